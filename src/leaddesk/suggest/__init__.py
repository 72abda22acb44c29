"""Suggestions learned on this machine from the team's own triage: a topic, tags and an owner for
each untriaged lead, each with a confidence and the reasons that weigh most.

- ``features``: what the model reads of a lead (words, short form fields, post, e-mail domain)
- ``model``: naive Bayes over counts (why this model: see its docstring), scoring and reasons
- ``history``: the team's labels replayed from the audit log (rule-made changes left out)
- ``store``: the stored model, full retraining and the incremental update
- ``service``: suggesting for one lead, and accepting (through triage) or rejecting

Nothing is applied without a person's accept, and nothing leaves the machine or the team's
database. Import it whole (``from leaddesk import suggest``).
"""

from leaddesk.suggest.features import LeadText, features
from leaddesk.suggest.model import OWNER, TAGS, TARGETS, TOPIC, Labelled, Model, build
from leaddesk.suggest.service import (
    Accepted,
    Reason,
    Suggestion,
    Suggestions,
    accept,
    reject,
    suggest,
    undo_accept,
    untriaged,
)
from leaddesk.suggest.store import Trained, compute, load, retrain, save, update

__all__ = [
    "OWNER", "TAGS", "TARGETS", "TOPIC", "Accepted", "Labelled", "LeadText", "Model", "Reason",
    "Suggestion", "Suggestions", "Trained", "accept", "build", "compute", "features", "load",
    "reject", "retrain", "save", "suggest", "undo_accept", "untriaged", "update",
]
