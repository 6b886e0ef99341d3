"""Themes and their groups, changed by administrators only, each change in the history; a
theme in use is retired, never deleted."""

from __future__ import annotations

import datetime as dt

import pytest

from harken.cases import services, themes
from harken.cases.models import Theme, ThemeEvent, ThemeGroup
from harken.core.errors import AccessDenied, ApplicationError

from .factories import complaint

pytestmark = pytest.mark.django_db


def test_an_administrator_adds_a_theme_in_a_group_with_its_history(admin_user):
    group = themes.theme_group_save(actor=admin_user, group=None, name="  Staff  ")
    theme = themes.theme_save(
        actor=admin_user, theme=None, name="Rudeness of staff", group=group, active=True
    )
    assert (theme.group, group.name) == (group, "Staff")
    themes.theme_save(actor=admin_user, theme=theme, name="Staff attitude", group=None, active=True)
    events = list(ThemeEvent.objects.filter(theme=theme).order_by("id"))
    assert [e.verb for e in events] == ["theme_added", "theme_changed"]
    assert events[1].changes == {
        "name": ["Rudeness of staff", "Staff attitude"],
        "group": ["Staff", None],
    }
    assert all(e.actor == admin_user for e in events)
    # Saved again unchanged: nothing more in the history.
    themes.theme_save(actor=admin_user, theme=theme, name="Staff attitude", group=None, active=True)
    assert ThemeEvent.objects.filter(theme=theme).count() == 2


@pytest.mark.parametrize("name", ["", "communication", "x" * 121])
def test_a_bad_or_taken_name_is_refused(admin_user, name):
    with pytest.raises(ApplicationError) as err:
        themes.theme_save(actor=admin_user, theme=None, name=name, group=None, active=True)
    assert "name" in err.value.field_errors


def test_only_administrators_change_themes(officer):
    with pytest.raises(AccessDenied):
        themes.theme_save(actor=officer, theme=None, name="New", group=None, active=True)
    with pytest.raises(AccessDenied):
        themes.theme_group_save(actor=officer, group=None, name="Group")
    with pytest.raises(AccessDenied):
        themes.theme_delete(actor=officer, theme=Theme.objects.get(name="Privacy"))


def test_a_theme_in_use_is_retired_not_deleted(admin_user, officer):
    """Communication is on a case and its points: deleting it is refused, saying why;
    retiring it keeps it on the records, out of the lists to choose from."""
    case = complaint(actor=officer, received_on=dt.date(2024, 3, 1))
    communication = Theme.objects.get(name="Communication")
    with pytest.raises(ApplicationError, match="recorded on 1 case\\(s\\) and 2 point\\(s\\)"):
        themes.theme_delete(actor=admin_user, theme=communication)
    themes.theme_save(
        actor=admin_user, theme=communication, name="Communication", group=None, active=False
    )
    communication.refresh_from_db()
    assert not communication.active
    assert list(case.themes.all()) == [communication]
    assert ThemeEvent.objects.get(theme=communication).verb == "theme_retired"


def test_a_theme_never_used_can_be_deleted_and_its_history_stays(admin_user):
    theme = themes.theme_save(actor=admin_user, theme=None, name="Typo", group=None, active=True)
    themes.theme_delete(actor=admin_user, theme=theme)
    assert not Theme.objects.filter(name="Typo").exists()
    assert list(ThemeEvent.objects.filter(name="Typo").values_list("verb", flat=True)) == [
        "theme_deleted",
        "theme_added",
    ]


def test_the_list_counts_each_themes_use(admin_user, officer):
    complaint(actor=officer, received_on=dt.date(2024, 3, 1))
    listed = {
        t.name: (t.case_count, t.point_count)  # type: ignore[attr-defined]
        for t in themes.themes_listed()
    }
    assert listed["Communication"] == (1, 2)
    assert listed["Privacy"] == (0, 0)


def test_a_group_with_themes_is_renamed_not_removed(admin_user):
    group = themes.theme_group_save(actor=admin_user, group=None, name="Staff")
    themes.theme_group_save(actor=admin_user, group=group, name="People")
    assert ThemeGroup.objects.get().name == "People"
    assert list(ThemeEvent.objects.filter(group=group).values_list("verb", flat=True)) == [
        "group_renamed",
        "group_added",
    ]
    with pytest.raises(ApplicationError, match="already exists"):
        themes.theme_group_save(actor=admin_user, group=None, name="people")
    assert services  # the case services make the records the counts read
