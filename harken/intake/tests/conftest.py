"""Walking the online forms with the test client, as a browser would without JavaScript."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.core.cache import cache
from django.urls import reverse

from harken.intake.views import SESSION_KEY

# A working day with no bank holiday near it, so deadlines are easy to check.
NOW = dt.datetime(2025, 3, 12, 10, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _clean(settings, tmp_path):
    """Each test starts with no rate-limit counts and its own folder for uploaded files."""
    settings.MEDIA_ROOT = tmp_path / "media"
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def step_slug(url: str) -> str:
    return url.rstrip("/").split("?")[0].rstrip("/").split("/")[-1]


class Walker:
    """Goes through a form page by page, posting the answers given for each page."""

    def __init__(self, client: Any, journey: str) -> None:
        self.client = client
        self.journey = journey
        self.visited: list[str] = []

    @property
    def key(self) -> str:
        return self.client.session[SESSION_KEY][self.journey]["key"]

    def start(self) -> str:
        response = self.client.get(reverse("intake:start", args=[self.journey]))
        assert response.status_code == 302
        return response["Location"]

    def to_check(self, pages: dict[str, dict[str, Any]]) -> str:
        url = self.start()
        check = reverse("intake:check", args=[self.journey])
        while not url.startswith(check):
            page = self.client.get(url)
            assert page.status_code == 200, url
            slug = step_slug(url)
            self.visited.append(slug)
            assert slug in pages, f"no answers given for page {slug}"
            html = page.content.decode()
            for name in pages[slug]:
                assert f'name="{name}"' in html, f"page {slug} has no field {name}"
            response = self.client.post(url, pages[slug])
            assert response.status_code == 302, (
                slug,
                response.status_code,
                response.content.decode()[:3000],
            )
            url = response["Location"]
        return url

    def send(self, key: str | None = None) -> Any:
        return self.client.post(
            reverse("intake:check", args=[self.journey]), {"key": key or self.key}
        )

    def complete(self, pages: dict[str, dict[str, Any]]) -> Any:
        check = self.to_check(pages)
        assert self.client.get(check).status_code == 200
        response = self.send()
        assert response.status_code == 302, response.content.decode()[:2000]
        assert response["Location"] == reverse("intake:confirmation", args=[self.journey])
        return self.client.get(response["Location"])


def date_parts(name: str, day: dt.date | None) -> dict[str, str]:
    if day is None:
        return {f"{name}_0": "", f"{name}_1": "", f"{name}_2": ""}
    return {f"{name}_0": str(day.day), f"{name}_1": str(day.month), f"{name}_2": str(day.year)}


def complaint_pages(team_pk: int | str = "not_sure", **changes: Any) -> dict[str, dict[str, Any]]:
    pages: dict[str, dict[str, Any]] = {
        "about-you": {"relationship": "parent"},
        "for-a-child": {"for_child": "yes"},
        "child-details": {
            "child_first_name": "Ffion",
            "child_last_name": "Jones",
            **date_parts("child_date_of_birth", dt.date(2014, 5, 2)),
        },
        "does-the-child-know": {"child_knows": "yes"},
        "what-happened": {"what_happened": "Nobody came to the review meeting."},
        "when-did-it-happen": date_parts("happened_on", dt.date(2025, 2, 3)),
        "more-than-a-year-ago": {"late_reason": ""},
        "which-service": {"team": str(team_pk)},
        "put-it-right": {"put_right": "An apology and a new meeting."},
        "documents-and-photos": {"action": "continue"},
        "your-details": {"first_name": "Siân", "last_name": "Jones"},
        "how-to-contact-you": {"contact_preference": "email"},
        "contact-details": {
            "email": "sian@example.com",
            "consent": "on",
        },
        "help-you-need": {"accessibility_needs": "", "language": "Welsh"},
    }
    for slug, values in changes.items():
        pages[slug.replace("_", "-")] = values
    return pages


def young_person_pages(**changes: Any) -> dict[str, dict[str, Any]]:
    pages: dict[str, dict[str, Any]] = {
        "are-you-safe": {"safe_now": "yes"},
        "get-help-now": {},
        "whats-wrong": {"what_happened": "My foster carer reads my messages."},
        "when-did-it-happen": date_parts("happened_on", None),
        "more-than-a-year-ago": {"late_reason": ""},
        "who-is-it-about": {"about": "My foster carer"},
        "make-it-better": {"put_right": ""},
        "advocate": {"advocate": "yes"},
        "your-name": {"first_name": "Kai", "last_name": "", **date_parts("date_of_birth", None)},
        "how-to-contact-you": {"contact_preference": "text"},
        "contact-details": {
            "mobile": "07700 900982",
            "consent": "on",
        },
        "help-you-need": {"accessibility_needs": "", "language": ""},
    }
    for slug, values in changes.items():
        pages[slug.replace("_", "-")] = values
    return pages


def compliment_pages(**changes: Any) -> dict[str, dict[str, Any]]:
    pages: dict[str, dict[str, Any]] = {
        "your-compliment": {"compliment": "Our social worker listened to us."},
        "who-is-it-for": {"praised_worker": "Jo in the Fostering Team"},
        "which-service": {"team": "not_sure"},
        "reply": {"contact_preference": "none"},
        "contact-details": {"email": "", "consent": ""},
        "your-details": {"first_name": "", "last_name": ""},
    }
    for slug, values in changes.items():
        pages[slug.replace("_", "-")] = values
    return pages


def comment_pages(**changes: Any) -> dict[str, dict[str, Any]]:
    pages: dict[str, dict[str, Any]] = {
        "what-would-you-like-to-do": {"comment_type": "enquiry"},
        "your-message": {"message": "How long does a stage 2 investigation take?"},
        "which-service": {"team": "not_sure"},
        "your-details": {"first_name": "Amir", "last_name": "Haddad"},
        "how-to-contact-you": {"contact_preference": "post"},
        "contact-details": {
            "address": "1 High Street\nTown",
            "postcode": "ab1 2cd",
            "consent": "on",
        },
        "help-you-need": {"accessibility_needs": "Large print", "language": ""},
    }
    for slug, values in changes.items():
        pages[slug.replace("_", "-")] = values
    return pages


def data_protection_pages(**changes: Any) -> dict[str, dict[str, Any]]:
    pages: dict[str, dict[str, Any]] = {
        "what-is-it-about": {"data_topic": "disclosure"},
        "what-happened": {"what_happened": "My address was sent to my ex-partner."},
        "put-it-right": {"put_right": "Tell me who else saw it."},
        "documents-and-photos": {"action": "continue"},
        "your-details": {"first_name": "Rhian", "last_name": "Evans"},
        "how-to-contact-you": {"contact_preference": "email"},
        "contact-details": {"email": "rhian@example.com", "consent": "on"},
        "help-you-need": {"accessibility_needs": "", "language": ""},
    }
    for slug, values in changes.items():
        pages[slug.replace("_", "-")] = values
    return pages


@pytest.fixture
def walker(client):
    def _walker(journey: str) -> Walker:
        return Walker(client, journey)

    return _walker


def confirmation_of(submission: Any) -> Any:
    """The submission's confirmation e-mail, as the one outbox keeps it (there must be one)."""
    message = submission.confirmation
    assert message is not None, "no confirmation e-mail was recorded"
    return message
