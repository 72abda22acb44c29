"""Splitting a form's one name field into first name, last name and salutation."""

from __future__ import annotations

import pytest

from leaddesk.export.names import SplitName, salesforce_salutation, split_name


@pytest.mark.parametrize(("name", "expected"), [
    ("Zoë Müller", SplitName("Zoë", "Müller")),
    ("  Zoë   Müller ", SplitName("Zoë", "Müller")),
    ("van der Berg, Anna", SplitName("Anna", "van der Berg")),
    ("Anna van der Berg", SplitName("Anna", "van der Berg")),
    ("Müller, Dr. Zoë", SplitName("Zoë", "Müller", "Dr.")),
    ("Cher", SplitName("Cher", "")),
    ("Dr. Zoë Müller", SplitName("Zoë", "Müller", "Dr.")),
    ("Dr. Müller", SplitName("", "Müller", "Dr.")),
    ("Prof. Dr. med. Hans Meier", SplitName("Hans", "Meier", "Prof. Dr. med.")),
    ("Dipl.-Ing. Karl Huber", SplitName("Karl", "Huber", "Dipl.-Ing.")),
    ("Anna Schmidt, PhD", SplitName("Anna", "Schmidt")),
    ("John Smith Jr.", SplitName("John", "Smith")),
    ("Anna Maria Rossi", SplitName("Anna Maria", "Rossi")),
    ("Siobhán Ní Bhriain", SplitName("Siobhán", "Ní Bhriain")),
    ("Seán Ó Súilleabháin", SplitName("Seán", "Ó Súilleabháin")),
    ("Ludwig van Beethoven", SplitName("Ludwig", "van Beethoven")),
    ("Mario De Luca", SplitName("Mario", "De Luca")),
    ("Van Morrison", SplitName("Van", "Morrison")),  # a particle first is a first name
    ("Ana García y Vega", SplitName("Ana", "García y Vega")),
    ("Anna E Smith", SplitName("Anna E", "Smith")),  # an initial, not a conjunction
    ("Αλέξανδρος Παπαδόπουλος", SplitName("Αλέξανδρος", "Παπαδόπουλος")),
    ("", SplitName("", "")),
    (None, SplitName("", "")),
])
def test_split_name(name: str | None, expected: SplitName) -> None:
    assert split_name(name) == expected


@pytest.mark.parametrize(("salutation", "expected"), [
    ("Dr.", "Dr."), ("dr", "Dr."), ("Prof. Dr. med.", "Prof."), ("Frau", ""), ("", ""),
    ("Mrs", "Mrs."),
])
def test_salesforce_salutation_uses_the_default_picklist(salutation: str, expected: str) -> None:
    assert salesforce_salutation(salutation) == expected
