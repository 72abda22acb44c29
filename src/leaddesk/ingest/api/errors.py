"""What can go wrong with a form backend's API, as exceptions whose message is one line for the user.

Messages name the service and host and say what to do; they never hold the token, nor a URL's query
(an API key may travel there).
"""

from __future__ import annotations

from leaddesk.errors import LeadDeskError


class ApiError(LeadDeskError):
    """The form backend could not be reached or read; the message names the exact cause."""


class ApiConnectionError(ApiError):
    """No HTTP answer at all: DNS, a refused connection, TLS, a timeout, a cut connection."""


class ApiAuthError(ApiError):
    """The service rejected the token (HTTP 401 or 403)."""


class ApiNotFoundError(ApiError):
    """HTTP 404: the form (or site, or URL) does not exist for this token."""


class ApiRateLimitError(ApiError):
    """HTTP 429, or a 5xx (maintenance), whose Retry-After asks for a longer wait than LeadDesk
    is willing to wait."""


class PageError(ApiError):
    """A page came back but cannot be read (not JSON, or not the documented shape).

    The sync reports it and goes on with the next page where the API lets it name one; the saved
    position never moves past it, so the next sync asks for it again.
    """
