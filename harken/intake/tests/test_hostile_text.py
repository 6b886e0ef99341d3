"""Hostile text in the public forms: each kind gets a message beside its field, or is sent
and kept as written; never a server error, never a record that breaks later."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from harken.cases.models import Case
from harken.intake.models import Attachment, Submission

from .conftest import complaint_pages, compliment_pages, step_slug

pytestmark = pytest.mark.django_db

# Arabic with its vowel marks: three combining marks on every letter.
MARKED = "\u0632\u064e\u0651\u0650" * 30
ZALGO = "h\u0335\u0321\u0327e\u0336\u0322l\u0334\u0323l\u0337o\u0338\u0324 " * 60
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 64


def _post_to(client, walker, journey: str, pages: dict, slug: str, values: dict):
    """Walk to the page `slug` with good answers, then post `values` there."""
    w = walker(journey)
    url = w.start()
    while step_slug(url) != slug:
        url = client.post(url, pages[step_slug(url)])["Location"]
    return client.post(url, values)


@pytest.mark.parametrize("story", [MARKED, ZALGO, (MARKED + " ") * 40])
def test_writing_rich_in_combining_marks_is_sent_and_its_summary_fits(walker, frozen, story):
    """However many marks sit on each letter, the send works and the case's summary (200
    characters in the database) holds the start of the person's words; the words are kept
    whole in the details."""
    w = walker("compliment")
    page = w.complete(compliment_pages(your_compliment={"compliment": story.strip()}))
    assert page.status_code == 200
    case = Case.objects.get()
    assert 0 < len(case.summary) <= 200
    assert story.strip() in case.details
    assert " ".join(story.split()).startswith(case.summary.rstrip("\u2026"))


def test_a_file_name_rich_in_combining_marks_is_kept_short_enough(walker, client, frozen):
    """The person's file name is shown to staff: cut to fit its column, marks and all."""
    w = walker("complaint")
    url = w.start()
    pages = complaint_pages()
    while step_slug(url) != "documents-and-photos":
        url = client.post(url, pages[step_slug(url)])["Location"]
    response = client.post(
        url, {"action": "upload", "file": SimpleUploadedFile(ZALGO + ".png", PNG)}
    )
    assert response.status_code == 302
    [attachment] = Attachment.objects.all()
    assert 0 < len(attachment.original_name) <= 200


@pytest.mark.parametrize(
    ("slug", "field", "text", "message"),
    [
        ("what-happened", "what_happened", "It went\x1b[31m wrong", "What happened must not"),
        ("what-happened", "what_happened", "Nobody came\x08\x07", "What happened must not"),
        ("put-it-right", "put_right", "So\x0brry", "What would put things right must not"),
        ("your-details", "first_name", "Si\x00n", "Your first name must not contain null"),
        ("your-details", "last_name", "Jo\x85nes", "Your last name must not contain control"),
        ("help-you-need", "language", "Welsh\x7f", "The language you would like us to use"),
    ],
)
def test_control_characters_get_a_message_beside_their_field(
    walker, client, frozen, slug, field, text, message
):
    """Control characters (escape codes, NUL, C1 codes) are refused where they are typed,
    with the field named, so no record holds text a spreadsheet cannot."""
    pages = complaint_pages()
    response = _post_to(client, walker, "complaint", pages, slug, {**pages[slug], field: text})
    assert response.status_code == 200
    html = response.content.decode()
    assert "govuk-error-summary" in html
    assert message in html
    assert f'href="#id_{field}"' in html


def test_tabs_and_line_breaks_are_kept(walker, frozen):
    """Layout is not a control character: tabs and line breaks stay as written."""
    w = walker("compliment")
    w.complete(compliment_pages(your_compliment={"compliment": "Thank you\tall\nof you"}))
    assert Submission.objects.get().answers["compliment"] == "Thank you\tall\nof you"


@pytest.mark.parametrize(
    "name", ["\u200b", "\u200b\u200d\u2060", "\ufeff", " \u200c ", "\u0301\u0302", "\u3164"]
)
def test_a_name_with_nothing_visible_is_asked_for_again(walker, client, frozen, name):
    """Zero-width characters, marks with no letter or fillers are not a name."""
    pages = complaint_pages()
    response = _post_to(
        client,
        walker,
        "complaint",
        pages,
        "your-details",
        {"first_name": name, "last_name": "Jones"},
    )
    assert response.status_code == 200
    assert "Enter your first name" in response.content.decode()


def test_an_answer_with_nothing_visible_is_asked_for_again(walker, client, frozen):
    pages = complaint_pages()
    response = _post_to(
        client, walker, "complaint", pages, "what-happened", {"what_happened": "\u200b\u200b"}
    )
    assert "Enter what happened" in response.content.decode()


@pytest.mark.parametrize("name", ["\u202eenoJ", "Jo\u202dnes", "\u2067Jones\u2069"])
def test_a_name_that_changes_the_text_direction_is_refused(walker, client, frozen, name):
    """Direction overrides would make a name read backwards on every page and letter."""
    pages = complaint_pages()
    response = _post_to(
        client,
        walker,
        "complaint",
        pages,
        "your-details",
        {"first_name": "Siân", "last_name": name},
    )
    assert response.status_code == 200
    assert (
        "Your last name must not contain characters that change the direction of the text"
        in response.content.decode()
    )


def test_right_to_left_writing_keeps_its_marks(walker, frozen):
    """The marks Arabic and Hebrew writing need (RLM, ALM) are not refused in names."""
    w = walker("complaint")
    w.complete(
        complaint_pages(
            your_details={"first_name": "\u0633\u0627\u0631\u0629\u200f", "last_name": "\u061cحسن"}
        )
    )
    person = Case.objects.get().parties.get(role="complainant").person
    assert person.first_name == "\u0633\u0627\u0631\u0629\u200f"


def test_a_utf16_body_gets_the_service_s_own_page_not_a_bare_error(walker, client, frozen):
    """A form body in another encoding is refused with a page that says what to do."""
    walker("complaint").start()
    url = reverse("intake:step", args=["complaint", "about-you"])
    response = client.generic(
        "POST",
        url,
        "relationship=parent".encode("utf-16"),
        content_type="application/x-www-form-urlencoded; charset=utf-16",
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "govuk-heading-l" in html
    assert "could not be read" in html
