"""What officers see of an online submission: the words as text, never as markup."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.loader import render_to_string
from django.urls import reverse

from harken.accounts.models import Role
from harken.accounts.tests.factories import make_user
from harken.cases.models import Case
from harken.intake.models import Attachment, Submission

from .conftest import complaint_pages, young_person_pages
from .test_submission import ATTACHMENTS, PNG

pytestmark = pytest.mark.django_db

HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)> & "quotes"'


@pytest.fixture
def hostile_case(walker, frozen):
    walker("complaint").complete(
        complaint_pages(
            what_happened={"what_happened": HOSTILE},
            your_details={"first_name": "<b>Bold</b>", "last_name": "O'Neil"},
        )
    )
    return Case.objects.get()


def test_submitted_html_is_stored_exactly_and_shown_as_text_on_the_case_page(
    hostile_case, sign_in, officer
):
    assert HOSTILE in hostile_case.details
    client = sign_in(officer)
    html = client.get(reverse("casework:case", args=[hostile_case.reference])).content.decode()
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert "<img src=x" not in html
    assert "<b>Bold</b>" not in html
    assert "Sent with the online form" in html  # this app's panel on the case page


def test_api_returns_the_words_exactly_as_json(hostile_case, sign_in, officer):
    client = sign_in(officer)
    response = client.get(f"/api/v1/cases/{hostile_case.reference}/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert HOSTILE in response.json()["details"]


def test_case_panel_escapes_answers_and_leads_with_safety(walker, frozen, officer):
    walker("young-people").complete(
        young_person_pages(
            are_you_safe={"safe_now": "no"},
            whats_wrong={"what_happened": HOSTILE},
        )
    )
    case = Case.objects.get()
    html = render_to_string("intake/case_panel.html", {"case": case, "user": officer})
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    assert 'the young person answered "No"' in html
    assert "Asked for an advocate" in html


def test_new_submissions_are_on_the_officers_caseload(hostile_case, sign_in, officer):
    html = sign_in(officer).get(reverse("casework:caseload")).content.decode()
    assert hostile_case.reference in html


def test_staff_can_download_a_file_only_if_they_can_see_the_case(
    walker, client, frozen, sign_in, officer, manager
):
    w = walker("complaint")
    url = w.start()
    pages = complaint_pages()
    while not url.startswith(ATTACHMENTS):
        url = client.post(url, pages[url.rstrip("/").split("/")[-1]])["Location"]
    client.post(ATTACHMENTS, {"action": "upload", "file": SimpleUploadedFile("a.png", PNG)})
    client.post(ATTACHMENTS, {"action": "continue"})
    w.complete(pages)
    attachment = Attachment.objects.get()
    download = reverse("intake:attachment", args=[attachment.pk])
    assert client.get(download).status_code == 302  # the public: to the sign-in page
    response = sign_in(officer).get(download)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="a.png"')
    assert b"".join(response.streaming_content) == PNG
    case = Submission.objects.get().case
    assert case is not None
    assert case.reads.filter(user=officer).exists()
    # A manager of another team may not see the case, so not its files either.
    assert sign_in(manager).get(download).status_code == 404


def test_a_file_not_yet_sent_cannot_be_downloaded(walker, client, frozen, sign_in):
    w = walker("complaint")
    url = w.start()
    pages = complaint_pages()
    while not url.startswith(ATTACHMENTS):
        url = client.post(url, pages[url.rstrip("/").split("/")[-1]])["Location"]
    client.post(ATTACHMENTS, {"action": "upload", "file": SimpleUploadedFile("a.png", PNG)})
    attachment = Attachment.objects.get()
    admin = make_user("ann_admin", Role.ADMINISTRATOR)
    other = sign_in(admin)
    assert other.get(reverse("intake:attachment", args=[attachment.pk])).status_code == 404
