"""The GOV.UK date input: three boxes, real-date messages, error styling, autocomplete."""

import datetime as dt

import time_machine
from django import forms

from harken.core.forms import DateField


class BirthForm(forms.Form):
    born = DateField(label="Date of birth")
    met = DateField(label="Meeting date", not_future=False, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["born"].widget.attrs["autocomplete"] = "bday"


def boxes(html: str) -> list[str]:
    return [line for line in html.splitlines() if "<input" in line]


def test_a_valid_date_is_cleaned_from_its_three_boxes():
    form = BirthForm({"born_0": "4", "born_1": "1", "born_2": "2014"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["born"] == dt.date(2014, 1, 4)


def test_a_missing_part_is_named():
    form = BirthForm({"born_0": "4", "born_1": "", "born_2": "2014"})
    assert not form.is_valid()
    assert form.errors["born"] == ["Date of birth must include a month"]


def test_an_impossible_date_is_not_a_real_date():
    form = BirthForm({"born_0": "31", "born_1": "2", "born_2": "2014"})
    assert not form.is_valid()
    assert "must be a real date" in form.errors["born"][0]


@time_machine.travel(dt.datetime(2024, 1, 4, 12, tzinfo=dt.UTC))
def test_a_future_date_is_refused_unless_allowed():
    form = BirthForm(
        {
            "born_0": "5",
            "born_1": "1",
            "born_2": "2024",
            "met_0": "5",
            "met_1": "1",
            "met_2": "2024",
        }
    )
    assert not form.is_valid()
    assert "born" in form.errors
    assert "met" not in form.errors


def test_boxes_of_a_date_with_an_error_are_styled_as_errors():
    form = BirthForm({"born_0": "31", "born_1": "2", "born_2": "2014"})
    form.is_valid()
    inputs = boxes(str(form["born"]))
    assert len(inputs) == 3
    assert all("govuk-input--error" in line for line in inputs)
    # What was typed is shown again, so it can be corrected.
    assert 'value="31"' in inputs[0]
    assert 'value="2014"' in inputs[2]


def test_boxes_of_a_valid_date_are_not_styled_as_errors():
    form = BirthForm({"born_0": "4", "born_1": "1", "born_2": "2014"})
    form.is_valid()
    assert not any("govuk-input--error" in line for line in boxes(str(form["met"])))
    assert not any("govuk-input--error" in line for line in boxes(str(form["born"])))


def test_an_autocomplete_token_is_given_to_each_box():
    inputs = boxes(str(BirthForm()["born"]))
    assert [line.split('autocomplete="')[1].split('"')[0] for line in inputs] == [
        "bday-day",
        "bday-month",
        "bday-year",
    ]
    assert not any("autocomplete" in line for line in boxes(str(BirthForm()["met"])))
