"""Letters joined to the work: recording an acknowledgement, an extension or a response is
followed by its letter, drafted; the stage's record links the letter made; a response letter
drafted before the outcomes are recorded says its findings will be empty."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse

from harken.cases import services as case_services
from harken.cases.models import Outcome, Stage
from harken.documents import services
from harken.documents.letters import DATA_PROTECTION_TEMPLATES
from harken.documents.models import Document, LetterKind, LetterTemplate

pytestmark = pytest.mark.django_db

D = dt.date


def _usual(kind: str) -> LetterTemplate:
    """The shipped template of the kind a children's complaint uses (the data-protection
    procedure's own letters are offered only for its complaints)."""
    return (
        LetterTemplate.objects.filter(kind=kind, active=True)
        .exclude(name__in=DATA_PROTECTION_TEMPLATES.values())
        .get()
    )


def post(client, case, action: str, **values):
    data = {}
    for name, value in values.items():
        if isinstance(value, dt.date):
            data.update({f"{name}_0": value.day, f"{name}_1": value.month, f"{name}_2": value.year})
        else:
            data[name] = value
    return client.post(f"/staff/cases/{case.reference}/{action}/", data)


def letter_page(case) -> str:
    return reverse("documents:letter_new", kwargs={"reference": case.reference})


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def test_recording_the_response_leads_to_its_letter_drafted(sign_in, officer, case):
    """Saved, the next page is the response letter with the outcomes just recorded; creating it
    links it to the stage, and the stage on the case page lists it."""
    client = sign_in(officer)
    case_services.stage_acknowledge(case=case, on=D(2024, 6, 4), actor=officer)
    outcomes = {f"outcome_{e.pk}": Outcome.UPHELD for e in case.elements.all()}
    response = post(client, case, "respond", on=D(2024, 6, 14), **outcomes)
    assert response.status_code == 302
    assert response["Location"] == f"{letter_page(case)}?step=respond"

    page = text(client.get(response["Location"]))
    assert "Response recorded. The letter for it is drafted below." in page
    assert "Check the letter" in page
    assert "Our finding: upheld." in page  # the findings, from the outcomes just recorded
    assert "will be empty" not in page
    template = _usual(LetterKind.STAGE_RESPONSE)
    assert f'value="{template.pk}" checked' in page

    created = client.post(
        letter_page(case),
        {"template": template.pk, "text": "", "action": "create", "step": "respond"},
    )
    assert created.status_code == 302
    stage = Stage.objects.get(case=case, number=1)
    letters = Document.objects.filter(case=case, stage=stage)
    assert {d.filename.rsplit(".", 1)[1] for d in letters} == {"docx", "pdf"}
    case_page = text(client.get(f"/staff/cases/{case.reference}/"))
    assert "Letters" in case_page
    for letter in letters:
        assert reverse("documents:download", args=[letter.pk]) in case_page


@pytest.mark.parametrize(
    ("action", "values", "banner", "kind"),
    [
        (
            "acknowledge",
            {"acknowledged_on": D(2024, 6, 4)},
            "Acknowledgement recorded",
            "acknowledgement",
        ),
        (
            "extend",
            {
                "new_due_on": D(2024, 7, 1),
                "reason": "A worker is on leave",
                "complainant_told_on": D(2024, 6, 12),
            },
            "Extension recorded",
            "extension",
        ),
    ],
)
def test_each_step_offers_its_own_letter(sign_in, officer, case, action, values, banner, kind):
    client = sign_in(officer)
    if action == "extend":
        case_services.stage_acknowledge(case=case, on=D(2024, 6, 4), actor=officer)
    response = post(client, case, action, **values)
    assert response["Location"] == f"{letter_page(case)}?step={action}"
    page = text(client.get(response["Location"]))
    assert f"{banner}. The letter for it is drafted below." in page
    template = _usual(kind)
    assert f'value="{template.pk}" checked' in page


def test_without_a_template_of_that_kind_the_step_goes_back_to_the_case(sign_in, officer, case):
    LetterTemplate.objects.filter(kind=LetterKind.ACKNOWLEDGEMENT).update(active=False)
    response = post(sign_in(officer), case, "acknowledge", acknowledged_on=D(2024, 6, 4))
    assert response["Location"] == f"/staff/cases/{case.reference}/"


def test_a_response_letter_before_the_outcomes_warns_its_findings_will_be_empty(
    sign_in, officer, case
):
    client = sign_in(officer)
    template = _usual(LetterKind.STAGE_RESPONSE)
    response = client.post(
        letter_page(case), {"template": template.pk, "text": "", "action": "preview"}
    )
    page = text(response)
    assert "Warning" in page
    assert "is not recorded yet, so this letter&#x27;s findings will be empty" in page
    letter = services.letter_build(case=case, template=template, actor=officer)
    assert "findings will be empty" in letter.warning
    assert "findings will be empty" not in "\n".join(b.text for b in letter.blocks)


def test_an_acknowledgement_has_no_findings_to_warn_of(sign_in, officer, case):
    template = _usual(LetterKind.ACKNOWLEDGEMENT)
    page = text(
        sign_in(officer).post(
            letter_page(case), {"template": template.pk, "text": "", "action": "preview"}
        )
    )
    assert "findings will be empty" not in page


def test_the_drafted_letter_is_refused_to_who_cannot_write_letters(sign_in, io_user, stage2_case):
    """An appointed IO sees the case but writes no letters: the step's letter page is 403."""
    response = sign_in(io_user).get(f"{letter_page(stage2_case)}?step=respond")
    assert response.status_code == 403


def test_the_drafted_letter_of_a_case_you_cannot_see_is_not_found(sign_in, other_manager, case):
    response = sign_in(other_manager).get(f"{letter_page(case)}?step=acknowledge")
    assert response.status_code == 404
