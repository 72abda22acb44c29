"""Templates: placeholders filled with safe defaults, only known names, the catalogue audited."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from leaddesk.db import Database
from leaddesk.db.models import AuditEvent
from leaddesk.errors import NotFoundError, ValidationError
from leaddesk.reply import templates

VALUES = {"first_name": "Zoë", "name": "Zoë Müller", "topic": "Patient engagement",
          "post_title": "Europe's IMI", "post_url": "https://example.org/imi/", "my_name": "Ada"}


def test_every_placeholder_is_filled() -> None:
    text = "{first_name}|{name}|{topic}|{post_title}|{post_url}|{my_name}|{{literal}}"
    assert templates.render(text, VALUES) == (
        "Zoë|Zoë Müller|Patient engagement|Europe's IMI|https://example.org/imi/|Ada|{literal}")


def test_missing_values_get_safe_defaults() -> None:
    assert templates.render("Hi {first_name}, about {topic} in {post_title}.", {}) == (
        "Hi there, about your question in our website.")


def test_values_are_one_line() -> None:
    assert templates.render("Re: {name}", {"name": "Eve\r\nBcc: x@y.org"}) == "Re: Eve Bcc: x@y.org"


@pytest.mark.parametrize("text", ["{unknown}", "{name.__class__}", "{name!r}", "{name:>99}",
                                  "{0}", "stray {"])
def test_only_bare_known_names_are_allowed(text: str) -> None:
    with pytest.raises(ValidationError):
        templates.check(text)


@pytest.mark.parametrize(("name", "first"), [("Zoë Müller", "Zoë"), ("Dr. Ada Lovelace", "Ada"),
                                             ("  ", None), (None, None), ("Müller, Zoë", "Müller")])
def test_first_name(name: str | None, first: str | None) -> None:
    assert templates.first_name(name) == first


def test_catalogue_add_edit_remove(db: Database) -> None:
    with db.session() as s:
        templates.add_template(s, "thanks", "Hi {first_name}", "Thanks, {first_name}", actor="Ada")
        with pytest.raises(ValidationError, match="exists already"):
            templates.add_template(s, "thanks", "again", actor="Ada")
    with db.session() as s:
        edited = templates.edit_template(s, "thanks", actor="Ada", new_name="thank you",
                                         subject="")
        assert (edited.name, edited.subject, edited.body) == ("thank you", None, "Hi {first_name}")
        with pytest.raises(ValidationError, match="unknown placeholder"):
            templates.edit_template(s, "thank you", actor="Ada", body="{oops}")
    with db.session() as s:
        assert [t.name for t in templates.list_templates(s)] == ["thank you"]
        templates.remove_template(s, "thank you", actor="Ada")
        with pytest.raises(NotFoundError):
            templates.get_template(s, "thank you")
        actions = list(s.execute(select(AuditEvent.action).where(
            AuditEvent.entity == "template").order_by(AuditEvent.id)).scalars())
    assert actions == ["template.add", "template.edit", "template.remove"]
