"""Random and hostile answers posted to every page of every form: never a server error.

Whatever is posted, the answer is a page with error messages, the next page, the check
page or the confirmation (or, for a filled honeypot, the "could not be sent" page).
"""

from __future__ import annotations

import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from harken.core.forms import DateField
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
    ).filter(lambda s: s.strip())
)
def test_any_valid_writing_is_sent_and_kept_exactly(client, settings, words):
    """Whatever a person writes (once trimmed), the record holds exactly those words."""
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
