"""Fixtures of the post-resolution tests: a real HTTP server on loopback (``site``)."""

from tests.posts.server import site

__all__ = ["site"]
