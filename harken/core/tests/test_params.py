"""Numbers typed into addresses and forms: anything odd is ignored or refused, never a 500."""

from __future__ import annotations

import datetime as dt

import pytest

from harken.cases.tests.factories import complaint
from harken.core.web import whole_number

# "²" and "٣" pass str.isdigit() but int() refuses the first; neither is a number anyone types.
ODD = ["²", "٣", "-1", "0", "1.5", " 7", "99999999999999999999999", ""]


@pytest.mark.parametrize("value", ODD)
def test_odd_values_are_not_whole_numbers(value):
    assert whole_number(value) is None


def test_whole_numbers_are_read_and_bounded():
    assert whole_number("42") == 42
    assert whole_number(42) == 42
    assert whole_number("100000", below=100_000) is None


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["²", "99999999999999999999999"])
def test_odd_numbers_in_staff_addresses_and_forms_are_not_server_errors(
    sign_in, officer, admin_user, value
):
    case = complaint(actor=officer, received_on=dt.date(2024, 3, 1))
    base = f"/staff/cases/{case.reference}"
    client = sign_in(officer)
    for url in (
        f"/staff/?page={value}",
        f"/staff/registers/payments/?page={value}",
        f"/staff/registers/payments/new/?ombudsman={value}",
        f"{base}/edit-person/?person={value}",
    ):
        assert client.get(url).status_code in {200, 302, 404}, url
    response = client.post(f"{base}/add-person/", {"party_role": "complainant", "existing": value})
    assert response.status_code == 200
    assert "Choose one of the people found" in response.content.decode()
    admin = sign_in(admin_user)
    assert admin.get(f"/staff/teams/new/?service_area={value}").status_code == 200
