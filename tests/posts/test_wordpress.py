"""Reading WordPress REST answers: the demo site's real-shaped JSON, and what sites get wrong."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from leaddesk.posts.wordpress import parse_rest, rest_url, slug_of
from tests.posts.helpers import BLOG, demo_post

URL = f"{BLOG}/blog/focus-on-micro-influencers/"


def test_a_post_with_embedded_author_and_terms() -> None:
    data = parse_rest(json.dumps([demo_post("focus-on-micro-influencers")]).encode(), URL, "post")
    assert data is not None
    assert data.title == "Focus on Micro-Influencers"
    assert data.author == "Brian Castle"
    assert data.categories == ["Digital"]
    assert data.tags == ["Micro-influencers", "Social media", "Patient engagement"]
    assert data.published_at == datetime(2026, 5, 19, 7, 0, tzinfo=UTC)
    assert data.modified_at == datetime(2026, 5, 21, 14, 48, 5, tzinfo=UTC)
    assert (data.kind, data.wp_id, data.slug) == ("post", 1873, "focus-on-micro-influencers")
    assert data.excerpt
    assert data.excerpt.startswith("By Brian Castle, Digital Insights Lead")
    assert "<" not in data.excerpt


def test_entities_in_titles_are_decoded() -> None:
    url = f"{BLOG}/blog/imi-public-private-partnerships/"
    data = parse_rest(json.dumps([demo_post("imi-public-private-partnerships")]).encode(), url,
                      "post")
    assert data is not None
    assert data.title
    assert data.title.startswith("Europe’s IMI")


def test_the_post_whose_link_is_the_page_wins() -> None:
    other = demo_post("focus-on-micro-influencers") | {"id": 1, "link": f"{BLOG}/news/x/"}
    mine = demo_post("focus-on-micro-influencers")
    data = parse_rest(json.dumps([other, mine]).encode(), URL, "post")
    assert data is not None
    assert data.wp_id == 1873
    assert parse_rest(b"[]", URL, "post") is None


def test_hidden_users_protected_content_and_missing_embeds() -> None:
    post = demo_post("focus-on-micro-influencers")
    post["_embedded"]["author"] = [{"code": "rest_user_invalid_id", "message": "Invalid user ID.",
                                    "data": {"status": 404}}]
    post["excerpt"] = {"rendered": "", "protected": True}
    post["content"] = {"rendered": "<p>secret</p>", "protected": True}
    data = parse_rest(json.dumps([post]).encode(), URL, "post")
    assert data is not None
    assert (data.author, data.excerpt) == (None, None)
    bare = {k: v for k, v in demo_post("focus-on-micro-influencers").items() if k != "_embedded"}
    data = parse_rest(json.dumps([bare]).encode(), URL, "post")
    assert data is not None
    assert (data.categories, data.tags, data.author) == ([], [], None)


@pytest.mark.parametrize("body", [b"<html>not json</html>", b'{"code": "rest_no_route"}', b"\xff"])
def test_a_body_that_is_not_the_api_raises(body: bytes) -> None:
    with pytest.raises(ValueError, match="not"):
        parse_rest(body, URL, "post")


def test_slug_and_rest_url() -> None:
    assert slug_of(URL) == "focus-on-micro-influencers"
    assert slug_of(f"{BLOG}/") is None
    assert slug_of(f"{BLOG}/index.php") is None
    assert slug_of(f"{BLOG}/blog/Caf%C3%A9/") == "café"
    assert rest_url(URL, "page", "café") == (f"{BLOG}/wp-json/wp/v2/pages?slug=caf%C3%A9"
                                              f"&_embed=author,wp:term")
