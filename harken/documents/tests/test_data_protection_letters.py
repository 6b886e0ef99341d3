"""Letters for a data-protection complaint: the outcome gives the right to complain to the
Information Commissioner, whichever response template is used."""

from __future__ import annotations

import datetime as dt

import pytest

from harken.cases import services as case_services
from harken.cases.tests.factories import complaint, respond_all
from harken.documents import letters, services
from harken.documents.models import LetterKind, LetterTemplate

pytestmark = pytest.mark.django_db
D = dt.date


def _text(letter) -> str:
    return (
        " ".join(b.text for b in letter.blocks)
        + " "
        + " ".join(i for b in letter.blocks for i in b.items)
    )


@pytest.fixture
def dp_case(officer):
    case = complaint(actor=officer, received_on=D(2024, 5, 6), procedure_code="data-protection")
    case_services.stage_acknowledge(case=case, on=D(2024, 5, 7), actor=officer)
    respond_all(case, on=D(2024, 5, 20), actor=officer)
    return case


def test_the_shipped_data_protection_letters_pass_the_checks():
    for name in letters.DATA_PROTECTION_TEMPLATES.values():
        shipped = LetterTemplate.objects.get(name=name)
        letters.check_body(shipped.body)
        assert shipped.revisions.count() == 1


def test_the_outcome_letter_gives_the_right_to_complain_to_the_ico(officer, dp_case):
    template = LetterTemplate.objects.get(name="Data protection complaint: outcome")
    text = _text(services.letter_build(case=dp_case, template=template, actor=officer))
    assert "Your right to complain to the Information Commissioner" in text
    assert "Information Commissioner's Office" in text
    assert "https://ico.org.uk/make-a-complaint/" in text
    assert "0303 123 1113" in text
    assert "Point 1: Point 1. Our finding: not upheld." in text
    assert "Local Government" not in text


def test_the_usual_response_template_names_the_ico_for_such_a_complaint(officer, dp_case):
    """An officer who picks the ordinary response letter still gives the ICO's details."""
    template = LetterTemplate.objects.get(name="Stage response")
    text = _text(services.letter_build(case=dp_case, template=template, actor=officer))
    assert "Information Commissioner's Office" in text
    assert "https://ico.org.uk/make-a-complaint/" in text
    assert "lgo.org.uk" not in text


def test_the_data_protection_letter_is_offered_first(officer, dp_case):
    templates = list(LetterTemplate.objects.filter(active=True))
    kind = letters.suggest_kind(dp_case)
    assert kind == LetterKind.STAGE_RESPONSE
    chosen = letters.suggest_template(dp_case, templates, kind)
    assert chosen is not None
    assert chosen.name == "Data protection complaint: outcome"


def test_other_complaints_are_offered_the_usual_letter(officer):
    case = complaint(actor=officer, received_on=D(2024, 5, 6))
    templates = list(LetterTemplate.objects.filter(active=True))
    chosen = letters.suggest_template(case, templates, LetterKind.ACKNOWLEDGEMENT)
    assert chosen is not None
    assert chosen.name == "Acknowledgement"


def test_the_acknowledgement_says_the_outcome_comes_without_undue_delay(officer):
    case = complaint(actor=officer, received_on=D(2024, 5, 6), procedure_code="data-protection")
    template = LetterTemplate.objects.get(name="Data protection complaint: acknowledgement")
    text = _text(services.letter_build(case=case, template=template, actor=officer))
    assert "without undue delay" in text
    assert "Information Commissioner's Office" in text
