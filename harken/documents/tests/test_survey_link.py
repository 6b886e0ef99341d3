"""The survey link in a letter (`{{ survey.link }}`, issue 14): the preview shows where it goes
and makes nothing; saving the letter sends the case's survey by letter through the surveys'
service, once per case and stage, audited, with the link and its QR code in the PDF and the
Word file; saving again replaces the link (the old one stops); a case not closed, or whose
survey is answered, is refused with nothing saved."""

from __future__ import annotations

import io

import pytest

from harken.core.errors import ApplicationError
from harken.documents import letters, services
from harken.documents.models import Document, LetterKind, LetterTemplate
from harken.surveys import services as surveys
from harken.surveys.models import Invitation, SurveyEvent
from harken.surveys.tests.factories import closed_complaint

from .test_letters import pdf_text, stored

pytestmark = pytest.mark.django_db

BODY = "Dear {{ complainant.first_name }}\n\nTell us how we did: {{ survey.link }}"


@pytest.fixture
def closing(officer) -> LetterTemplate:
    return services.letter_template_create(
        kind=LetterKind.OTHER, name="Closing with survey", body=BODY, actor=officer
    )


def _token(link: str) -> str:
    return link.rstrip("/").rsplit("/", 1)[-1]


def test_the_preview_shows_where_the_link_goes_and_makes_none(officer, closing):
    case = closed_complaint(officer)
    letter = services.letter_build(case=case, template=closing, actor=officer)
    text = letters.to_plain_text(letter)
    assert letters.PREVIEW_SURVEY_LINK in text
    assert "made when the letter is saved" in letter.warning
    assert not Invitation.objects.filter(case=case).exists()
    assert not SurveyEvent.objects.exists()


def test_saving_sends_the_survey_once_with_the_link_and_qr_code(officer, closing):
    case = closed_complaint(officer)
    documents = services.letter_create(case=case, template=closing, actor=officer)
    invitation = Invitation.objects.get(case=case)
    assert invitation.channel == "letter"
    assert SurveyEvent.objects.filter(verb=SurveyEvent.Verb.INVITATION_SENT).count() == 1
    pdf = next(d for d in documents if d.filename.endswith(".pdf"))
    text = pdf_text(stored(pdf))
    assert "/survey/" in text
    assert "Scan the code or type this link" in text
    from docx import Document as WordDocument

    word = next(d for d in documents if d.filename.endswith(".docx"))
    parsed = WordDocument(io.BytesIO(stored(word)))
    assert len(parsed.inline_shapes) == 1  # the QR code
    words = "\n".join(p.text for p in parsed.paragraphs)
    link = words[words.index("type this link: ") + len("type this link: ") :].split()[0]
    assert surveys.invitation_find(_token(link)) == invitation
    assert link in "".join(text.split())  # the PDF prints the same link


def test_saving_again_replaces_the_link(officer, closing):
    case = closed_complaint(officer)
    services.letter_create(case=case, template=closing, actor=officer)
    first = Invitation.objects.get(case=case).token_hash
    services.letter_create(case=case, template=closing, actor=officer)
    assert Invitation.objects.filter(case=case).count() == 1
    assert Invitation.objects.get(case=case).token_hash != first
    assert SurveyEvent.objects.filter(verb=SurveyEvent.Verb.LINK_ISSUED).count() == 1


def test_an_open_case_is_refused_and_nothing_is_saved(officer, closing, case):
    with pytest.raises(ApplicationError, match="once the case is closed") as caught:
        services.letter_create(case=case, template=closing, actor=officer)
    assert "template" in caught.value.field_errors
    assert not Document.objects.filter(case=case).exists()
    assert not Invitation.objects.exists()


def test_an_answered_survey_is_refused(officer, closing):
    case = closed_complaint(officer)
    services.letter_create(case=case, template=closing, actor=officer)
    invitation = Invitation.objects.get(case=case)
    before = Document.objects.filter(case=case).count()
    from django.utils import timezone

    Invitation.objects.filter(pk=invitation.pk).update(answered_at=timezone.now())
    with pytest.raises(ApplicationError, match="already been answered"):
        services.letter_create(case=case, template=closing, actor=officer)
    assert Document.objects.filter(case=case).count() == before


def test_the_merge_field_is_listed_and_checked():
    assert "survey.link" in [name for name, _ in letters.PLACEHOLDERS]
    letters.check_body(BODY)
