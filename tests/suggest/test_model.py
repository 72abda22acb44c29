"""Naive Bayes over counts: ranking, reasons, rejections, and add/take-back symmetry."""

from __future__ import annotations

from leaddesk.suggest.model import OWNER, TAGS, TOPIC, Labelled, Model, build


def _examples() -> list[Labelled]:
    return [
        Labelled(1, ("w:keynote", "w:conference", "p:blog/speakers"), "Speakers", "Anna",
                ("event",)),
        Labelled(2, ("w:keynote", "w:speaker", "p:blog/speakers"), "Speakers", "Anna", ("event",)),
        Labelled(3, ("w:invoice", "w:payment", "d:acme.com"), "Billing", "Ben", ("invoice",)),
        Labelled(4, ("w:invoice", "w:amount", "d:acme.com"), "Billing", "Ben", ()),
    ]


def test_ranks_the_likely_value_first_with_its_heaviest_features() -> None:
    model = build(_examples())
    ranked = model.rank(TOPIC, ["w:keynote", "w:unknown", "p:blog/speakers"])
    assert [r.value for r in ranked] == ["Speakers", "Billing"]
    assert ranked[0].confidence > ranked[1].confidence
    assert {f for f, _ in ranked[0].reasons} == {"w:keynote", "p:blog/speakers"}
    owner = model.rank(OWNER, ["d:acme.com"], allowed={"Anna", "Ben"})
    assert owner[0].value == "Ben"
    assert owner[0].reasons[0][0] == "d:acme.com"
    assert model.rank(OWNER, ["d:acme.com"], allowed={"Anna"})[0].value == "Anna"
    assert model.rank(OWNER, ["d:acme.com"], exclude={"Ben"})[0].value == "Anna"


def test_tags_are_one_versus_the_rest() -> None:
    model = build(_examples())
    tags = {r.value: r.confidence for r in model.rank(TAGS, ["w:invoice", "w:payment"])}
    assert tags["invoice"] > 0.5 > tags["event"]


def test_taking_an_example_back_equals_never_counting_it() -> None:
    model = build(_examples())
    extra = Labelled(5, ("w:keynote", "w:new"), "Press", "Cleo", ("media", "event"))
    model.add(extra)
    model.add(extra, -1)
    assert model.same_counts(build(_examples()))
    assert "Press" not in model.targets[TOPIC].labels


def test_a_rejection_weakens_the_value_for_similar_leads() -> None:
    model = build(_examples())
    before = model.rank(TOPIC, ["w:keynote"])[0]
    model.reject(TOPIC, ["w:keynote"], "Speakers")
    after = {r.value: r.confidence for r in model.rank(TOPIC, ["w:keynote"])}
    assert after["Speakers"] < before.confidence


def test_the_counts_survive_storing() -> None:
    model = build(_examples(), [(TOPIC, ["w:keynote"], "Speakers")])
    assert Model.from_json(model.as_json()).same_counts(model)
    assert Model().rank(TOPIC, ["w:keynote"]) == []
