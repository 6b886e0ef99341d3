"""The surveys Harken ships: "how your complaint was handled", for adults and in plain words
for children and young people. Used by the data migration (0002) and the tests; an
administrator changes them through `services`."""

from __future__ import annotations

from typing import Any

NAME = "How your complaint was handled"

# (audience, introduction, [(kind, text, hint, low, high)])
SURVEYS: tuple[tuple[str, str, list[tuple[str, str, str, str, str]]], ...] = (
    (
        "adult",
        "Your answers help us improve how we deal with complaints, enquiries and concerns.",
        [
            (
                "scale",
                "Overall, how satisfied are you with how we handled your complaint?",
                "",
                "Very dissatisfied",
                "Very satisfied",
            ),
            ("yes_no", "Did we keep you informed while we looked into it?", "", "", ""),
            ("yes_no", "Was our response clear and easy to understand?", "", "", ""),
            ("scale", "How easy was it to contact us?", "", "Very difficult", "Very easy"),
            (
                "text",
                "Is there anything we could have done better?",
                "Do not include your name or anyone else's.",
                "",
                "",
            ),
        ],
    ),
    (
        "child",
        "You told us about something. We want to know if we helped you well.",
        [
            (
                "scale",
                "How happy are you with how we helped you?",
                "",
                "Very unhappy",
                "Very happy",
            ),
            ("yes_no", "Did we listen to you?", "", "", ""),
            ("yes_no", "Did we tell you what was happening?", "", "", ""),
            ("yes_no", "Did you understand our answer?", "", "", ""),
            ("text", "What could we do better?", "You do not need to write your name.", "", ""),
        ],
    ),
)


def install(Survey: Any, Question: Any) -> None:
    """Create the shipped surveys if there are none of that audience (models passed in, so
    the migration can use its historical ones)."""
    for audience, introduction, questions in SURVEYS:
        if Survey.objects.filter(audience=audience).exists():
            continue
        survey = Survey.objects.create(
            name=NAME, audience=audience, introduction=introduction, active=True
        )
        for position, (kind, text, hint, low, high) in enumerate(questions, start=1):
            Question.objects.create(
                survey=survey,
                position=position,
                kind=kind,
                text=text,
                hint=hint,
                low_label=low,
                high_label=high,
                required=False,
            )
