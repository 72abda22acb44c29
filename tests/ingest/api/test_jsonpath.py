"""The path resolver of the generic mapping."""

from __future__ import annotations

import pytest

from leaddesk.errors import ValidationError
from leaddesk.ingest.api.jsonpath import compile_path, resolve

DOC = {"data": {"items": [{"email": "a@b.example", "tags": ["x", "y"]}], "n": 0},
       "odd.key": {"v": 1}}


@pytest.mark.parametrize(("path", "value"), [
    ("", DOC), ("$", DOC), ("data.items[0].email", "a@b.example"), ("$.data.n", 0),
    ("data.items[0].tags[-1]", "y"), ("data.items[5].email", None), ("data.missing.deeper", None),
    ("data.items.email", None), ('["odd.key"].v', 1), ("data['items'][0].tags[0]", "x"),
])
def test_resolve(path: str, value: object) -> None:
    assert resolve(DOC, path) == value


def test_a_malformed_path_is_one_clear_error() -> None:
    with pytest.raises(ValidationError, match=r"'a\[b' at character 2"):
        compile_path("a[b")
