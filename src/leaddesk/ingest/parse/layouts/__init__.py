"""Recognising a notification's layout and reading its fields, one module per form plugin or service.

Services are recognised by their sender, WordPress plugins by the markers of their templates, most
specific first; :mod:`.generic` is the fallback and is asked separately, after the mailing-list check.
"""

from __future__ import annotations

from collections.abc import Callable

from leaddesk.ingest.parse.layouts import (
    contact_form_7,
    elementor,
    fluent_forms,
    formspree,
    generic,
    gravity_forms,
    hubspot,
    message_first,
    netlify,
    ninja_forms,
    webflow,
    wpforms,
)
from leaddesk.ingest.parse.layouts.base import Extracted
from leaddesk.ingest.parse.layouts.message_first import MESSAGE_ALONE, message_alone
from leaddesk.ingest.parse.readable import Readable

__all__ = ["MESSAGE_ALONE", "Extracted", "message_alone", "recognise", "recognise_generic"]

_SPECIFIC: tuple[Callable[[Readable], Extracted | None], ...] = (
    hubspot.recognise,
    netlify.recognise,
    formspree.recognise,
    webflow.recognise,
    elementor.recognise,
    fluent_forms.recognise,
    wpforms.recognise,
    gravity_forms.recognise,
    ninja_forms.recognise,
    contact_form_7.recognise,
    message_first.recognise,
)


def recognise(mail: Readable) -> Extracted | None:
    """The fields of a notification from a known plugin or service, or None."""
    for layout in _SPECIFIC:
        extracted = layout(mail)
        if extracted is not None:
            return extracted
    return None


def recognise_generic(mail: Readable) -> Extracted | None:
    """The fields of a mail that looks like a form notification of an unknown mailer, or None."""
    return generic.recognise(mail)
