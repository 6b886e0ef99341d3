"""Random and hostile answers posted to every page of every form: never a server error.

Whatever is posted, the answer is a page with error messages, the next page, the check
page or the confirmation (or, for a filled honeypot, the "could not be sent" page).
"""

from __future__ import annotations

import datetime as dt
import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from harken.core import text
from harken.core.forms import DateField
from harken.core.tests.strategies import HOSTILE_TEXT
from harken.intake.journeys import JOURNEYS

pytestmark = pytest.mark.django_db

HOSTILE = [
    "<script>alert(1)</script>",
    "'; DROP TABLE cases_case; --",
    "\x00",
    "a\x00b",
    "\u202eevil",
    "{{ 7|add:7 }}{% debug %}",
    "%s%n%x",
    "../../../etc/passwd",
    "ŵŷ 🙂 مرحبا",
    " ",
    "0",
    "-1",
    "99999999999999999999",
    "x" * 6000,
    "2025-02-30",
    "not_sure",
    "none",
    "yes",
    "on",
]

value = st.one_of(
    st.text(max_size=80),
    st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=400),
    st.sampled_from(HOSTILE),
    HOSTILE_TEXT,
    st.integers(min_value=-(10**20), max_value=10**20).map(str),
)
values = st.one_of(value, st.lists(value, min_size=0, max_size=3))


def _names(form_class) -> list[str]:
    names = []
    for name, field in form_class.base_fields.items():
        if isinstance(field, DateField):
            names += [f"{name}_0", f"{name}_1", f"{name}_2"]
        names.append(name)
    return [*names, "key", "action", "remove", "website", "change", "nonsense"]


def _sendable_file_name(name: str) -> bool:
    return os.path.basename(name) not in {"", ".", ".."}


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_random_and_hostile_posts_never_cause_a_server_error(client, settings, data):
    settings.HARKEN_INTAKE_RATE_LIMITS = False
    journey = data.draw(st.sampled_from(sorted(JOURNEYS)))
    client.get(reverse("intake:start", args=[journey]))
    for step in JOURNEYS[journey].steps:
        names = _names(step.form)
        chosen = data.draw(st.lists(st.sampled_from(names), unique=True, max_size=len(names)))
        post = {name: data.draw(values) for name in chosen}
        if step.slug == "documents-and-photos" and data.draw(st.booleans()):
            post["file"] = SimpleUploadedFile(
                # A name the test client can send: Django refuses to make a file named "."
                # or "dir/" before any request.
                data.draw(st.text(min_size=1, max_size=60).filter(_sendable_file_name)),
                data.draw(st.binary(max_size=2000)),
            )
        url = reverse("intake:step", args=[journey, step.slug])
        if data.draw(st.booleans()):
            url += "?change=1"
        response = client.post(url, post)
        assert response.status_code in (200, 302, 400), (step.slug, response.status_code)
        if response.status_code == 200:
            html = response.content.decode()
            assert (
                "govuk-error-summary" in html
                or "have to start again" in html
                or step.slug in ("documents-and-photos", "get-help-now")
            ), step.slug
        if response.status_code == 400:
            assert "could not be sent" in response.content.decode()
        assert client.get(url).status_code in (200, 302)
    response = client.post(
        reverse("intake:check", args=[journey]), {"key": data.draw(values), "website": ""}
    )
    assert response.status_code in (200, 302)
    assert client.get(reverse("intake:check", args=[journey])).status_code in (200, 302)
    assert client.get(reverse("intake:confirmation", args=[journey])).status_code in (200, 302)


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    words=st.text(
        alphabet=st.characters(blacklist_categories=["Cs", "Cc"]), min_size=1, max_size=300
    ).filter(text.has_visible)
)
def test_any_valid_writing_is_sent_and_kept_exactly(client, settings, words):
    """Whatever a person writes with something visible in it (once trimmed), the record
    holds exactly those words."""
    from harken.intake.models import Submission

    from .conftest import Walker, compliment_pages

    settings.HARKEN_INTAKE_RATE_LIMITS = False
    w = Walker(client, "compliment")
    page = w.complete(compliment_pages(your_compliment={"compliment": words}))
    assert page.status_code == 200
    submission = Submission.objects.order_by("-pk").first()
    assert submission is not None
    assert submission.case is not None
    assert submission.answers["compliment"] == words.strip()
    assert words.strip() in submission.case.details


# --- Every field of every form, one at a time ------------------------------------------------


def _journeys() -> dict[str, dict]:
    """Answers for each form, by a name whose first word is the form's; the variants take
    the branches that ask the questions the plain answers skip."""
    from .conftest import (
        comment_pages,
        complaint_pages,
        compliment_pages,
        data_protection_pages,
        date_parts,
        young_person_pages,
    )

    long_ago = date_parts("happened_on", dt.date(2020, 1, 6))
    return {
        "complaint": complaint_pages(),
        "complaint by-phone": complaint_pages(
            how_to_contact_you={"contact_preference": "phone"},
            contact_details={"phone": "01632 960 001", "consent": "on"},
        ),
        "complaint late": complaint_pages(when_did_it_happen=long_ago),
        "young-people": young_person_pages(),
        "young-people late": young_person_pages(when_did_it_happen=long_ago),
        "compliment": compliment_pages(
            reply={"contact_preference": "email"},
            contact_details={"email": "jo@example.com", "consent": "on"},
            your_details={"first_name": "Jo", "last_name": "Bloggs"},
        ),
        "question-or-comment": comment_pages(),
        "data-protection": data_protection_pages(),
    }


def _fields() -> list[tuple[str, str, str]]:
    """(journey, page, field) for every question a person answers on the way through."""
    found = []
    for name, pages in _journeys().items():
        journey = JOURNEYS[name.split()[0]]
        for step in journey.steps:
            if step.slug == "more-than-a-year-ago" and not name.endswith(" late"):
                continue  # asked only when it happened more than a year ago
            for field in pages.get(step.slug, {}):
                if field not in ("action", "website"):
                    found.append((name, step.slug, field))
    return found


FIELDS = _fields()


def test_the_fields_tried_are_every_question_of_every_form():
    """Each question of each page's form (a form shared by several journeys, such as the
    contact details, counts once), whichever way of contact is chosen."""
    forms = {(j.slug, step.slug): step.form for j in JOURNEYS.values() for step in j.steps}
    tried = {(forms[journey.split()[0], slug], _answer(field)) for journey, slug, field in FIELDS}
    for journey in JOURNEYS.values():
        for step in journey.steps:
            asked = {
                name
                for how in ("email", "phone", "text", "post")
                for name in step.form(answers={"contact_preference": how}).fields
            }
            for name in asked - {"website"}:
                assert (step.form, name) in tried, (journey.slug, step.slug, name)


def _answer(field: str) -> str:
    """The answer a posted field is part of: a date's day, month and year are one."""
    return field[:-2] if field[-2:] in ("_0", "_1", "_2") else field


def _walk_to(client, journey: str, slug: str) -> str:
    from .conftest import step_slug

    pages = _journeys()[journey]
    url = client.get(reverse("intake:start", args=[journey.split()[0]]))["Location"]
    while step_slug(url) != slug:
        response = client.post(url, pages[step_slug(url)])
        assert response.status_code == 302, (step_slug(url), response.content[:500])
        url = response["Location"]
    return url


@pytest.mark.parametrize(("journey", "slug", "field"), FIELDS)
@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(hostile=HOSTILE_TEXT)
def test_every_public_field_refuses_or_keeps_hostile_text(
    client, settings, journey, slug, field, hostile
):
    """Whatever is typed into any one answer, with the others as a person would give them:
    a message beside that field, or the answer kept with no control character in it."""
    from harken.intake.views import SESSION_KEY

    settings.HARKEN_INTAKE_RATE_LIMITS = False
    url = _walk_to(client, journey, slug)
    good = _journeys()[journey][slug]
    post = {**good, field: hostile}
    response = client.post(url, post)
    assert response.status_code in (200, 302), response.status_code
    if response.status_code == 200:
        html = response.content.decode()
        assert "govuk-error-summary" in html
        return
    key = _answer(field)
    saved = client.session[SESSION_KEY][journey.split()[0]]["saved"][slug]
    kept = saved.get(key)
    if isinstance(kept, str):
        assert not text.problem(kept), repr(kept)
        if key.endswith("first_name") and kept:
            assert text.has_visible(kept), repr(kept)
    check = client.get(reverse("intake:check", args=[journey.split()[0]]))
    assert check.status_code in (200, 302)
