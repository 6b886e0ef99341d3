"""Search by reference, a person's name or words; only cases the user may see. On
PostgreSQL (DATABASE_URL=postgres://...) the words go through the full-text index."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection

from harken.cases import services
from harken.cases.models import PartyRole, Relationship
from harken.cases.selectors import SEARCH_DOCUMENT
from harken.casework import selectors

from .conftest import queries_for

pytestmark = pytest.mark.django_db

D = dt.date


@pytest.fixture
def found(officer, make_complaint):
    a = make_complaint(
        summary="Transport to school missed",
        details="The taxi did not arrive on three mornings.",
    )
    services.case_add_person(
        case=a,
        item=services.PersonInput(
            role=PartyRole.CHILD,
            relationship=Relationship.CHILD,
            details={"first_name": "Anita", "last_name": "Okonkwo"},
        ),
        actor=officer,
    )
    b = make_complaint(summary="Social worker changed again", team="SEND Team")
    return a, b


def search(client, q):
    return client.post("/staff/search/", {"q": q})


def test_exact_reference_goes_straight_to_the_case(officer, sign_in, found):
    response = search(sign_in(officer), found[0].reference.lower())
    assert response.status_code == 302
    assert response["Location"] == f"/staff/cases/{found[0].reference}/"


@pytest.mark.parametrize("q", ["Okonkwo", "okon", "Anita Okonkwo", "anita ok"])
def test_by_name_exact_or_prefix_case_insensitive(officer, sign_in, found, q):
    html = search(sign_in(officer), q).content.decode()
    assert found[0].reference in html
    assert found[1].reference not in html


@pytest.mark.parametrize("q", ["taxi", "school transport", "mornings"])
def test_by_words_in_the_complaint(officer, sign_in, found, q):
    html = search(sign_in(officer), q).content.decode()
    assert found[0].reference in html
    assert found[1].reference not in html


def test_only_cases_the_user_may_see(manager, sign_in, found):
    client = sign_in(manager)  # manages the Assessment Teams, not SEND
    assert found[0].reference in search(client, "taxi").content.decode()
    html = search(client, "social worker").content.decode()
    assert found[1].reference not in html
    assert "No cases found" in html
    assert search(client, found[1].reference).status_code == 200  # not a redirect


def test_nothing_typed_is_an_error(officer, sign_in):
    html = search(sign_in(officer), "  ").content.decode()
    assert "There is a problem" in html


def test_names_are_never_in_the_address(officer, sign_in):
    """The search is POSTed: the page's form does not use GET."""
    html = sign_in(officer).get("/staff/search/").content.decode()
    assert 'method="post"' in html


def test_results_are_capped(officer, make_complaint, monkeypatch):
    for day in (3, 4, 5):
        make_complaint(received_on=D(2024, 6, day), summary="Taxi late")
    result = selectors.search_cases(user=officer, words="taxi", limit=2)
    assert len(result.cases) == 2
    assert result.more


@pytest.mark.parametrize("q", ["taxi", "Okafor"])
def test_the_cap_keeps_the_newest_matches(officer, make_complaint, q):
    """Told "the most recent", the list is the newest matches (by words or by name), ordered
    in the database before it is cut: never an arbitrary handful sorted afterwards."""
    made = []
    for month in (1, 2, 3, 4, 5):
        case = make_complaint(received_on=D(2024, month, 10), summary="Taxi late")
        services.case_add_person(
            case=case,
            item=services.PersonInput(
                role=PartyRole.CHILD, details={"first_name": "Ada", "last_name": "Okafor"}
            ),
            actor=officer,
        )
        made.append(case)
    result = selectors.search_cases(user=officer, words=q, limit=3)
    assert [c.reference for c in result.cases] == [c.reference for c in made[:1:-1]]
    assert result.more


def test_the_search_page_lists_the_newest(officer, sign_in, make_complaint, monkeypatch):
    """The page's cap is the same rule: the newest cases are the ones shown."""
    monkeypatch.setattr(selectors, "SEARCH_LIMIT", 2)
    old, middle, new = (
        make_complaint(received_on=D(2024, month, 3), summary="Taxi late") for month in (4, 5, 6)
    )
    html = search(sign_in(officer), "taxi").content.decode()
    assert new.reference in html
    assert middle.reference in html
    assert old.reference not in html


def test_query_count_does_not_grow_with_rows(officer, sign_in, make_complaint):
    make_complaint(summary="Taxi late")
    client = sign_in(officer)
    first = queries_for(client, "/staff/search/", "post", q="taxi")
    for day in (4, 5, 6, 7):
        make_complaint(received_on=D(2024, 6, day), summary="Taxi late again")
    assert queries_for(client, "/staff/search/", "post", q="taxi") == first
    # On PostgreSQL one more: the search's reads are planned without parallel workers.
    assert first <= 10 + (connection.vendor == "postgresql")


def test_html_in_a_complaint_is_escaped(officer, sign_in, make_complaint):
    make_complaint(summary="<b>bold</b> taxi")
    html = search(sign_in(officer), "taxi").content.decode()
    assert "<b>bold</b>" not in html
    assert "&lt;b&gt;bold&lt;/b&gt; taxi" in html


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL full-text search")
def test_postgresql_full_text_uses_stemming_and_its_index(officer, found):
    """'arrived' finds 'arrive' (English stemming); the plan can use the GIN index."""
    result = selectors.search_cases(user=officer, words="arrived")
    assert [c.reference for c in result.cases] == [found[0].reference]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = 'casework_case_search_idx'"
        )
        assert "to_tsvector" in cursor.fetchone()[0]
        cursor.execute("SET enable_seqscan = off")
        document = SEARCH_DOCUMENT.format(t="")  # a fixed expression, no input
        sql = f"EXPLAIN SELECT id FROM cases_case WHERE {document} @@ to_tsquery('taxi')"  # noqa: S608
        cursor.execute(sql)
        plan = " ".join(row[0] for row in cursor.fetchall())
        cursor.execute("SET enable_seqscan = on")
    assert "casework_case_search_idx" in plan


def test_a_progressed_contacts_references_both_find_the_complaint(officer, sign_in):
    """Searching by the reference the person was given, or by the contact's new one, lists
    the complaint and the contact; the contact's page says where its reference went."""
    from harken.accounts.models import Team
    from harken.cases.models import Kind

    contact = services.case_create(
        actor=officer,
        kind=Kind.CONTACT,
        channel="web",
        received_on=D(2024, 6, 3),
        summary="Missed visits",
        teams=[Team.objects.get(name="Assessment Teams")],
    )
    given = contact.reference
    complaint = services.contact_progress(
        case=contact,
        on=D(2024, 6, 5),
        actor=officer,
        elements=[services.ElementInput(summary="Missed visits")],
    )
    client = sign_in(officer)
    for typed in (given, contact.reference):
        html = search(client, typed).content.decode()
        assert complaint.reference in html
        assert contact.reference in html
    page = client.get(f"/staff/cases/{contact.reference}/").content.decode()
    assert "which keeps the reference this contact was given" in page


@pytest.mark.parametrize("q", ["taxi", "Okafor"])
@pytest.mark.parametrize("count_cap", [2, 1000])
def test_many_matches_still_give_the_newest_and_a_capped_count(
    officer, make_complaint, monkeypatch, q, count_cap
):
    """Whether the matches are few enough to count (then sorted after) or more than the count
    stops at (then asked newest first, stopping early), the list is the newest matches in
    order, and the count says how many, or "more than" the cap."""
    monkeypatch.setattr(selectors, "SEARCH_COUNT_CAP", count_cap)
    made = []
    for month, day in ((1, 10), (3, 2), (2, 20), (5, 1), (4, 30)):
        case = make_complaint(received_on=D(2024, month, day), summary="Taxi late")
        services.case_add_person(
            case=case,
            item=services.PersonInput(
                role=PartyRole.CHILD, details={"first_name": "Ada", "last_name": "Okafor"}
            ),
            actor=officer,
        )
        made.append(case)
    newest = sorted(made, key=lambda c: (c.received_on, c.pk), reverse=True)
    result = selectors.search_cases(user=officer, words=q, limit=3)
    assert [c.reference for c in result.cases] == [c.reference for c in newest[:3]]
    assert result.more
    if count_cap == 2:
        assert result.capped
        assert result.found_text == "more than 2"
    else:
        assert not result.capped
        assert result.found == 5
        assert result.found_text == "5"


@pytest.mark.parametrize("joined_rows", [2002, 4, 2])
@pytest.mark.parametrize("count_cap", [2, 1000])
def test_a_name_search_counts_each_case_once_however_far_it_reads(
    officer, make_complaint, monkeypatch, joined_rows, count_cap
):
    """ADR 0300: the name half first reads the rows of (case, person of that name), as far as
    JOINED_ROWS, and only when they are not all of them counts or walks the cases themselves.
    Whichever way it goes, a case with two people of the name is one case, counted once, and
    the newest come first."""
    monkeypatch.setattr(selectors, "SEARCH_COUNT_CAP", count_cap)
    monkeypatch.setattr(selectors, "JOINED_ROWS", joined_rows)
    made = []
    for month, day in ((2, 10), (4, 2), (1, 20), (3, 1)):
        case = make_complaint(received_on=D(2024, month, day), summary="Taxi late")
        for first, role in (("Ada", PartyRole.CHILD), ("Ben", PartyRole.COMPLAINANT)):
            services.case_add_person(
                case=case,
                item=services.PersonInput(
                    role=role, details={"first_name": first, "last_name": "Okafor"}
                ),
                actor=officer,
            )
        made.append(case)
    newest = sorted(made, key=lambda c: (c.received_on, c.pk), reverse=True)
    result = selectors.search_cases(user=officer, words="okafor", limit=3)
    assert [c.reference for c in result.cases] == [c.reference for c in newest[:3]]
    assert result.more
    if count_cap == 2:
        assert result.found_text == "more than 2"
    else:
        assert (result.found, result.capped) == (4, False)
    result = selectors.search_cases(user=officer, words="Ben Okafor", limit=10)
    assert [c.reference for c in result.cases] == [c.reference for c in newest]
    assert not result.more


def test_the_page_says_how_many_match(officer, sign_in, make_complaint, monkeypatch):
    monkeypatch.setattr(selectors, "SEARCH_LIMIT", 2)
    for month in (4, 5, 6):
        make_complaint(received_on=D(2024, month, 3), summary="Taxi late")
    client = sign_in(officer)
    assert "The 2 most recent of 3 cases found" in search(client, "taxi").content.decode()
    monkeypatch.setattr(selectors, "SEARCH_COUNT_CAP", 2)
    html = search(client, "taxi").content.decode()
    assert "The 2 most recent of more than 2 cases found" in html


def test_a_manager_walking_many_matches_newest_first_sees_only_their_cases(
    officer, manager, make_complaint, monkeypatch, send_team
):
    """ADR 0260: when a word is too common to count, the newest matches are walked in date
    order with the manager's rule asked first (a probe of each case's team links). Their
    team's closed case is found; the newest cases of another team, and a closed case whose
    team link was moved away from theirs, are not, however new."""
    monkeypatch.setattr(selectors, "SEARCH_COUNT_CAP", 2)
    theirs = [make_complaint(received_on=D(2024, 1, day), summary="Taxi late") for day in (3, 4, 5)]
    services.case_withdraw(
        case=theirs[0], on=D(2024, 1, 20), reason="No longer needed", actor=officer
    )
    for day in (10, 11, 12):
        make_complaint(received_on=D(2024, 2, day), summary="Taxi late", team="SEND Team")
    moved = make_complaint(received_on=D(2024, 3, 1), summary="Taxi late")
    services.case_withdraw(case=moved, on=D(2024, 3, 5), reason="No longer needed", actor=officer)
    services.case_update(case=moved, actor=officer, teams=[send_team])
    result = selectors.search_cases(user=manager, words="taxi", limit=2)
    assert result.capped
    assert [c.reference for c in result.cases] == [theirs[2].reference, theirs[1].reference]
    result = selectors.search_cases(user=manager, words="taxi", limit=5)
    assert [c.reference for c in result.cases] == [c.reference for c in reversed(theirs)]
