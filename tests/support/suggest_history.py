"""A small seeded team history for the suggestion tests: clear habits, triaged through triage.

Anna takes the speaker requests (keynote words, the speakers post, tag "event"); Ben takes the
billing questions (invoice words, acme.com, tag "invoice"). A rule (actor "rule: webinars") sets
the topic "Webinars" on webinar leads: that is not the team's judgement and must not be learnt.
Leads 1-12 are triaged; 13 (speaker), 14 (billing) and 15 (webinar) are new and untriaged.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from leaddesk import triage
from leaddesk.triage.results import EDIT
from leaddesk.triage.versions import apply_one, plan_one, read_current
from tests.support.factories import make_member, make_submission

SPEAKERS_POST = "https://blog.example.org/speakers/"
SPEAKER = "Could your founder give a keynote at our conference? We need a speaker in May."
BILLING = "The invoice for March shows the wrong amount, please correct the payment details."
WEBINAR = "Is there a recording of the webinar from last week?"
PERSON = "Ada"


def speaker_lead(session: Session, sid: int, **extra: object) -> None:
    make_submission(session, id=sid, subject="Keynote request", body_text=SPEAKER,
                    page_url=SPEAKERS_POST, visitor_email=f"events{sid}@conference.example",
                    **extra)


def billing_lead(session: Session, sid: int, **extra: object) -> None:
    make_submission(session, id=sid, subject="Invoice question", body_text=BILLING,
                    page_url="https://blog.example.org/pricing/",
                    visitor_email=f"accounts{sid}@acme.com", **extra)


def webinar_lead(session: Session, sid: int) -> None:
    make_submission(session, id=sid, subject="Webinar recording", body_text=WEBINAR,
                    visitor_email=f"viewer{sid}@example.net")


def triage_as(session: Session, sid: int, topic: str, owner: str, tag: str,
              actor: str = PERSON) -> None:
    triage.edit_submission(session, sid, {"topic": topic}, actor=actor)
    triage.assign(session, sid, owner, actor=actor)
    triage.add_tag(session, sid, tag, actor=actor)
    triage.set_status(session, sid, "done", actor=actor)


def rule_sets_topic(session: Session, sid: int, topic: str) -> None:
    """What a rule does: an audited topic change by "rule: NAME" (not the team's judgement)."""
    current = read_current(session, sid)
    plan = plan_one(current, None, {"topic": None}, {"topic": topic})
    apply_one(session, current, plan, action=EDIT, actor="rule: webinars",
              values={"topic": topic})


def seed(session: Session) -> None:
    make_member(session, "Anna")
    make_member(session, "Ben")
    for sid in range(1, 5):
        speaker_lead(session, sid)
        triage_as(session, sid, "Speakers", "Anna", "event")
    for sid in range(5, 9):
        billing_lead(session, sid)
        triage_as(session, sid, "Billing", "Ben", "invoice")
    for sid in range(9, 13):
        webinar_lead(session, sid)
        rule_sets_topic(session, sid, "Webinars")
    speaker_lead(session, 13)
    billing_lead(session, 14)
    webinar_lead(session, 15)
