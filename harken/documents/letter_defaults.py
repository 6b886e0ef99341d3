# ruff: noqa: E501 - letter wording is kept one paragraph to a line, as an editor sees it.
"""The letter templates Harken ships, one for each kind, in plain English.

Installed by migration 0002 (which keeps its own copy of this text, so later edits here do not
change what an existing database was given). Each carries the statutory content its kind
needs: the response date and how it is worked out; for responses, the right to go to the next
stage and the last day to ask, or at the last stage the Ombudsman's details; the offer of an
advocate to a child (s26A Children Act 1989); for extensions, the reason and the new date.
"""

from __future__ import annotations

ADVOCACY = """{% if complainant.is_child %}
## Help from an advocate

You have the right to free help from an advocate. An advocate is someone who is on your side, who can help you say what you want to say and make sure you are listened to. They do not work for the team your complaint is about. If you would like an advocate, tell us and we will arrange one for you.
{% elif child_involved %}
## Help from an advocate

If {{ child.first_name|default:"the child or young person" }} would like to give their own views, they have the right to free help from an advocate. An advocate is someone who is on their side and does not work for the team the complaint is about. Tell us if they would like one and we will arrange it.
{% endif %}"""

OMBUDSMAN_DETAILS = """- Website: {{ ombudsman.website }}
- Phone: {{ ombudsman.phone }}"""

STILL_UNHAPPY = (
    """## If you are still unhappy

{% if stage.is_last %}
This is our final response to your complaint. If you are still unhappy, you can ask the {{ ombudsman.name }} to look at it. The Ombudsman is free, independent and impartial. The Ombudsman usually expects you to contact them within 12 months of when you first knew about the problem.

"""
    + OMBUDSMAN_DETAILS
    + """
{% else %}
You can ask for your complaint to go to stage {{ stage.next_number }} of our procedure ({{ stage.next_name }}). {% if stage.escalation_due_on %}The last day to ask is {{ stage.escalation_due_on }}{% if stage.escalation_window_days %}, which is {{ stage.escalation_window_days }} working days after the date of this letter{% endif %}.{% else %}Please ask as soon as you can.{% endif %} You can ask by replying to this letter, by e-mail or by phone. Please tell us which points you are still unhappy about and why.

You can also contact the {{ ombudsman.name }}, who is free and independent. The Ombudsman will usually expect us to finish our complaints procedure first.

"""
    + OMBUDSMAN_DETAILS
    + """
{% endif %}"""
)

OUTCOMES = """{% if elements %}
{% for element in elements %}
- Point {{ element.number }}: {{ element.summary }}{% if element.outcome %}. Our finding: {{ element.outcome|lower }}.{% endif %}
{% endfor %}
{% endif %}"""

SIGN_OFF_HELP = """If you have any questions, please contact me{% if officer.email %} at {{ officer.email }}{% endif %}, quoting the reference {{ case.reference }}."""

ACKNOWLEDGEMENT = (
    """Dear {{ complainant.name }}

## Your complaint, reference {{ case.reference }}

Thank you for contacting us. We received your {% if stage.number == 1 %}complaint{% else %}request for stage {{ stage.number }} ({{ stage.name }}){% endif %} on {{ stage.received_on }}. Please quote the reference {{ case.reference }} whenever you contact us about it.

{% if elements %}
We understand you are unhappy about:

{% for element in elements %}
- {{ element.summary }}
{% endfor %}

If we have misunderstood anything, please tell us as soon as you can.
{% endif %}

## When we will reply

{% if stage.due_on %}
We will send you our {{ stage.response_label }} by {{ stage.due_on }}. That date is {{ stage.due_reason }}. Working days are Monday to Friday, except bank holidays.
{% if stage.latest_extension_on %}

If your complaint is complicated and we need more time, we will write to you before that date to explain why and to give you a new date. It will not be later than {{ stage.latest_extension_on }}.
{% endif %}
{% elif stage.waiting_for %}
We will send you our {{ stage.response_label }} within {{ stage.response_days }} working days of {{ stage.waiting_for }}. We will contact you about this soon.
{% endif %}

"""
    + ADVOCACY
    + """

"""
    + SIGN_OFF_HELP
)

EXTENSION = (
    """Dear {{ complainant.name }}

## Your complaint, reference {{ case.reference }}

I am sorry, but we need more time to {% if stage.response_label == "response" %}respond to{% else %}complete the {{ stage.response_label }} on{% endif %} your complaint. We told you we would reply by {{ extension.previous_due_on }}.

{{ extension.reason }}

We will now send you our {{ stage.response_label }} by {{ extension.new_due_on }}.

If you are unhappy about this delay, please tell us. You can also contact the {{ ombudsman.name }}, who is free and independent, though they will usually expect us to finish our complaints procedure first.

"""
    + OMBUDSMAN_DETAILS
    + """

"""
    + ADVOCACY
    + """

"""
    + SIGN_OFF_HELP
)

STAGE_RESPONSE = (
    """Dear {{ complainant.name }}

## Our response to your complaint, reference {{ case.reference }}

Thank you for your complaint, which we received on {{ stage.received_on }}. This letter is our stage {{ stage.number }} response.

## What we found

"""
    + OUTCOMES
    + """

{{ letter.text }}

"""
    + STILL_UNHAPPY
    + """

"""
    + ADVOCACY
    + """

"""
    + SIGN_OFF_HELP
)

ADJUDICATION = (
    """Dear {{ complainant.name }}

## Stage {{ stage.number }} adjudication, reference {{ case.reference }}

An Investigating Officer has looked into your complaint, and an Independent Person has made sure the investigation was open and fair. I have read their reports, which are enclosed, and this letter is my adjudication: my decision on each point of your complaint and what we will do.

## My decision on each point

"""
    + OUTCOMES
    + """

{{ letter.text }}

"""
    + STILL_UNHAPPY
    + """

"""
    + ADVOCACY
    + """

"""
    + SIGN_OFF_HELP
)

PANEL_RESPONSE = (
    """Dear {{ complainant.name }}

## Our response to the review panel, reference {{ case.reference }}

A review panel of three independent people met to consider your complaint and sent us its report and recommendations. This letter is our response to the panel's report: what we decided on each point and what we will do.

## Our decision

"""
    + OUTCOMES
    + """

{{ letter.text }}

"""
    + STILL_UNHAPPY
    + """

"""
    + SIGN_OFF_HELP
)

ESCALATION_REFUSAL = (
    """Dear {{ complainant.name }}

## Your request for stage {{ stage.next_number|default:"the next stage" }}, reference {{ case.reference }}

Thank you for asking for your complaint to go to {% if stage.next_number %}stage {{ stage.next_number }} of our procedure ({{ stage.next_name }}){% else %}the next stage of our procedure{% endif %}. I am sorry, but we cannot accept your request.

{% if stage.escalation_due_on %}
We sent our {{ stage.response_label }} on {{ stage.concluded_on }}. The last day to ask for the next stage was {{ stage.escalation_due_on }}{% if stage.escalation_window_days %}, {{ stage.escalation_window_days }} working days after our {{ stage.response_label }}{% endif %}.
{% endif %}

{{ letter.text }}

If you think there is a good reason we should still accept your request, please tell us.

## The Ombudsman

You can ask the {{ ombudsman.name }} to look at your complaint. The Ombudsman is free, independent and impartial.

"""
    + OMBUDSMAN_DETAILS
    + """

"""
    + ADVOCACY
    + """

"""
    + SIGN_OFF_HELP
)

OTHER = (
    """Dear {{ complainant.name }}

## Reference {{ case.reference }}

{{ letter.text }}

"""
    + SIGN_OFF_HELP
)

# A complaint about the council's handling of personal data (Data Protection Act 2018 s164A):
# acknowledged within 30 days, the outcome without undue delay, then the Information
# Commissioner (installed by migration 0003, which keeps its own copy).
DATA_PROTECTION_ACKNOWLEDGEMENT = (
    """Dear {{ complainant.name }}

## Your data protection complaint, reference {{ case.reference }}

Thank you for your complaint about how we have handled your personal information, which we received on {{ stage.received_on }}. Please quote the reference {{ case.reference }} whenever you contact us about it.

{% if elements %}
We understand your complaint is about:

{% for element in elements %}
- {{ element.summary }}
{% endfor %}

If we have misunderstood anything, please tell us as soon as you can.
{% endif %}

## What happens next

We are looking into your complaint now. We will make the enquiries we need to, keep you told of our progress, and tell you the outcome without undue delay.

If you are unhappy with how we deal with your complaint, you can complain to the {{ ombudsman.name }}, who regulates how organisations use personal information.

"""
    + OMBUDSMAN_DETAILS
    + """

"""
    + SIGN_OFF_HELP
)

DATA_PROTECTION_OUTCOME = (
    """Dear {{ complainant.name }}

## The outcome of your data protection complaint, reference {{ case.reference }}

Thank you for your complaint about how we have handled your personal information, which we received on {{ stage.received_on }}. This letter tells you the outcome.

## What we found

"""
    + OUTCOMES
    + """

{{ letter.text }}

## Your right to complain to the Information Commissioner

If you are unhappy with the outcome, you have the right to complain to the {{ ombudsman.name }} (ICO), which regulates how organisations use personal information. The ICO is free and independent. It usually expects you to contact it within three months of your last meaningful contact with us about your complaint.

"""
    + OMBUDSMAN_DETAILS
    + """

You can also ask a court to enforce your rights under data protection law.

"""
    + SIGN_OFF_HELP
)

DEFAULT_TEMPLATES: tuple[tuple[str, str, str], ...] = (
    ("acknowledgement", "Acknowledgement", ACKNOWLEDGEMENT),
    ("extension", "Extension of the response date", EXTENSION),
    ("stage_response", "Stage response", STAGE_RESPONSE),
    ("adjudication", "Stage 2 adjudication", ADJUDICATION),
    ("panel_response", "Response to the review panel", PANEL_RESPONSE),
    ("escalation_refusal", "Refusal of a request for the next stage", ESCALATION_REFUSAL),
    ("other", "General letter", OTHER),
)

DATA_PROTECTION_DEFAULTS: tuple[tuple[str, str, str], ...] = (
    (
        "acknowledgement",
        "Data protection complaint: acknowledgement",
        DATA_PROTECTION_ACKNOWLEDGEMENT,
    ),
    ("stage_response", "Data protection complaint: outcome", DATA_PROTECTION_OUTCOME),
)
