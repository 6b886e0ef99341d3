"""The register updates name each field they may change (core.updates): a misspelt field is
a TypeError at the call, before anything is saved; what is not given stays as it was; the
API sends only fields its update service names."""

from __future__ import annotations

import datetime as dt
import inspect
from collections.abc import Callable
from typing import Any

import pytest

from harken.cases import services as case_services
from harken.core.errors import ApplicationError
from harken.core.updates import NOT_GIVEN
from harken.registers import api, services
from harken.registers.models import RegisterEvent

from . import factories as f

pytestmark = pytest.mark.django_db

D = dt.date

# Each update service and the one list of the fields it changes.
UPDATES: list[tuple[Callable[..., Any], list[str]]] = [
    (services.ombudsman_case_update, services.OMBUDSMAN_FIELDS),
    (services.ombudsman_remedy_update, services.REMEDY_FIELDS),
    (services.payment_update, services.PAYMENT_FIELDS),
    (services.cost_update, services.COST_FIELDS),
    (services.restriction_update, services.RESTRICTION_FIELDS),
    (services.advocacy_referral_update, services.ADVOCACY_FIELDS),
    (services.sar_update, services.SAR_FIELDS),
]


def _named_fields(service: Callable[..., Any]) -> list[str]:
    return [
        p.name
        for p in inspect.signature(service).parameters.values()
        if p.kind is p.KEYWORD_ONLY and p.default is NOT_GIVEN
    ]


@pytest.mark.parametrize(("service", "fields"), UPDATES, ids=lambda x: getattr(x, "__name__", ""))
def test_each_update_names_the_fields_of_its_list_and_takes_no_others(service, fields):
    params = inspect.signature(service).parameters.values()
    assert not any(p.kind is p.VAR_KEYWORD for p in params)
    assert sorted(_named_fields(service)) == sorted(fields)


@pytest.mark.parametrize(
    "viewset",
    [
        api.OmbudsmanCaseViewSet,
        api.PaymentViewSet,
        api.CostViewSet,
        api.RestrictionViewSet,
        api.AdvocacyViewSet,
        api.SarViewSet,
    ],
)
def test_the_api_changes_only_fields_its_update_service_names(viewset):
    """A PATCH's fields are keyword arguments of the service: a field the service did not
    name would be a TypeError (a 500) rather than a change."""
    assert set(viewset.update_input().fields) <= set(_named_fields(viewset.update_service))


def test_the_remedy_api_changes_only_fields_the_remedy_update_names():
    assert set(api.RemedyInput().fields) <= set(_named_fields(services.ombudsman_remedy_update))


def test_a_misspelt_field_is_a_type_error_and_nothing_changes(officer):
    sar = f.sar(actor=officer, received_on=D(2024, 6, 3), identity_verified_on=None)
    events = RegisterEvent.objects.count()
    with pytest.raises(TypeError, match="sent_no"):
        services.sar_update(sar=sar, actor=officer, sent_no=D(2024, 6, 20))  # type: ignore[call-arg]
    sar.refresh_from_db()
    assert (sar.sent_on, RegisterEvent.objects.count()) == (None, events)


def test_what_is_not_given_stays_as_it_was(officer):
    sar = f.sar(actor=officer, received_on=D(2024, 6, 3), description="By letter")
    services.sar_update(sar=sar, actor=officer, identity_verified_on=D(2024, 6, 12))
    sar.refresh_from_db()
    assert (sar.description, sar.identity_verified_on) == ("By letter", D(2024, 6, 12))


def test_a_person_is_created_from_named_details_and_a_misspelt_one_is_a_type_error(officer):
    person = case_services.person_create(actor=officer, first_name="Sam", last_name="Hill")
    assert person.full_name == "Sam Hill"
    with pytest.raises(TypeError, match="surname"):
        case_services.person_create(actor=officer, surname="Hill")  # type: ignore[call-arg]


def test_details_given_as_a_mapping_are_refused_with_a_message_not_a_type_error():
    """An API's or a form's mapping of details is checked before it becomes arguments."""
    with pytest.raises(ApplicationError, match="Unknown person details: surname"):
        case_services.person_details({"first_name": "Sam", "surname": "Hill"})
