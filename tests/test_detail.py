"""A lead's page: how many leads its blog post brought, counted from an index alone."""

from __future__ import annotations

from leaddesk import detail
from leaddesk.db import Database
from tests.support.factories import make_post, make_submission


def test_a_lead_s_post_counts_its_leads_only(db: Database) -> None:
    with db.session() as s:
        post = make_post(s, "https://example.org/blog/imi", "IMI")
        other = make_post(s, "https://example.org/blog/other", "Other")
        lead = make_submission(s, post_id=post.id)
        make_submission(s, post_id=post.id)
        make_submission(s, post_id=post.id, is_submission=False)  # an auto-reply on the page
        make_submission(s, post_id=other.id)
        lead_id = lead.id
    with db.session() as s:
        shown = detail.load(s, lead_id).post
    assert shown is not None
    assert shown.leads == 2


def test_the_post_s_count_reads_its_index_alone(sqlite_url: str) -> None:
    # A post may bring a tenth of a million leads: were their rows read to check the flag, each
    # of its leads would open 0.4 s (PostgreSQL) to 8 s (SQLite, cold) late (revision 0015).
    db = Database.open(sqlite_url)
    try:
        sql = str(detail.post_leads(7).compile(db.engine, compile_kwargs={"literal_binds": True}))
        with db.session() as s:
            plan = " ".join(row[-1] for row in s.connection().exec_driver_sql(
                f"EXPLAIN QUERY PLAN {sql}"))
    finally:
        db.close()
    assert "COVERING INDEX ix_submissions_post_leads" in plan
