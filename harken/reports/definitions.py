"""How each figure is counted, in words: the one text used by the report, its definitions page,
every download and docs/reports.md, so two people counting by hand get the same number.
"""

from __future__ import annotations

from dataclasses import dataclass

# Report sections in order: (key, heading).
SECTIONS: tuple[tuple[str, str], ...] = (
    ("summary", "Summary of feedback"),
    ("compliments", "Compliments"),
    ("contacts", "Initial contacts"),
    ("complaints", "Complaints received"),
    ("stage1", "Stage 1 complaints"),
    ("stage2", "Stage 2 complaints"),
    ("stage3", "Stage 3 review panels"),
    ("ombudsman", "Ombudsman"),
    ("costs", "Costs and compensation"),
    ("persistent", "Unreasonably persistent contact"),
    ("advocacy", "Advocacy"),
    ("sar", "Subject access requests"),
    ("learning", "Learning and recommendations"),
    # Issue 14: the pool of independent people.
    ("pool", "Independent people"),
    # --- Issue 14 (homes): children's homes, visits and drop-ins ---
    ("homes", "Children's homes: Regulation 44 visits"),
    ("direct_work", "Drop-ins and concerns raised in direct work"),
    # --- end of issue 14 (homes) ---
    # Issue 14: surveys (harken/surveys/metrics.py)
    ("surveys", "Surveys"),
)
SECTION_TITLES = dict(SECTIONS)

# Free-text sections the team writes for an edition: (field, heading, hint).
TEXT_SECTIONS: tuple[tuple[str, str, str], ...] = (
    (
        "highlights",
        "Highlights",
        "Key achievements and areas of focus, shown at the start of the report.",
    ),
    (
        "learning",
        "Learning and improvement",
        "What changed because of complaints and compliments.",
    ),
    (
        "considerations",
        "Considerations for next year",
        "What the team will work on next, shown at the end of the report.",
    ),
)


@dataclass(frozen=True)
class Definition:
    id: str
    section: str
    title: str
    text: str


# Rules that apply to every table.
GENERAL_RULES: tuple[tuple[str, str], ...] = (
    (
        "Period and quarters",
        "A report covers any dates chosen, both days included. Quarterly columns are the "
        "financial quarters (Q1 April\u2013June, Q2 July\u2013September, "
        "Q3 October\u2013December, Q4 January\u2013March) the period covers, cut to the "
        "period's first and last days.",
    ),
    (
        "Same period last year",
        "The comparison is the same dates one year earlier (29 February becomes 28 February). "
        "A change is this period's figure minus last year's.",
    ),
    (
        "Dates that place a record in a period",
        "Each table says which date it counts by: the date received (a complaint's stage 1 is "
        "received when the complaint is; a later stage is received on the day the complainant "
        "asked for it), or the date a stage concluded (the response, adjudication or council's "
        "response to a review panel was sent). A record counts in the period its date falls in, "
        "whatever happened to it before or after.",
    ),
    (
        "Team and theme of a complaint",
        "A complaint can be about several teams and raise several themes. In tables by team or "
        "theme each complaint counts once, under its main team (the team of its lowest-numbered "
        "point of complaint that names one; otherwise the first team recorded on the complaint) "
        "and its main theme (chosen the same way). Tables of points of complaint (elements) "
        "count each element under its own theme.",
    ),
    (
        "Procedure",
        "Social care complaints are those handled under a statutory procedure (children's, or "
        "adults' where a council records them); corporate complaints are those handled under a "
        "corporate procedure. A complaint keeps the procedure it was received under.",
    ),
    (
        "Timeliness",
        "A stage is within timescale when it concluded on or before its due date, or the latest "
        "extension agreed with the complainant. A review panel stage is within timescale only "
        "if every step (meeting, report, council's response) was on time. Working days to "
        "complete count from the day the stage's clock started (receipt, or the agreed "
        "statement of complaint at stage 2 of the children's procedure, or the acknowledgement "
        "under the LGSCO Code) to the day it concluded; weekends and bank holidays are not "
        "counted. A council closure day is a working day, as the Regulations count it, for "
        "every due date and figure here; only a non-statutory procedure whose definition says "
        "so skips closure days.",
    ),
    (
        "Percentages and averages",
        "Percentages are of the table's total, rounded half up (7.5% shows as 8%); a percentage "
        "of nothing shows N/A. Averages are rounded half up to one decimal place.",
    ),
    (
        "Published edition",
        "The published edition hides every count from 1 to the suppression threshold (5 unless "
        "the council sets HARKEN_SUPPRESSION_THRESHOLD) as *. So that a hidden count cannot be "
        "worked out from a total, at least one more count in the same row or column is hidden "
        "too (the smallest); so * means 'a number from 1 to the threshold, or a number hidden to "
        "protect one'. Zeros are shown. Percentages, averages and changes worked out from a "
        "hidden count are hidden. No names or case references appear in the published "
        "edition. The internal edition shows every figure.",
    ),
)


def _outcomes(stage: int) -> str:
    return (
        f"Points of complaint (elements) given an outcome at stage {stage}, where stage {stage} "
        "concluded in the period (by date concluded), whenever the complaint was received. "
        "Each element counts once, under the outcome recorded for it at that stage. A stage "
        "withdrawn or discontinued before it concluded has no outcomes."
    )


def _upheld(stage: int) -> str:
    return (
        f"The upheld and partially upheld elements of stage {stage} complaints concluded in the "
        "period, by each element's own theme (elements with no theme count under 'No theme "
        "recorded')."
    )


def _by_team(stage: int) -> str:
    return (
        f"Stage {stage} complaints received in the period (by the date stage {stage} was "
        "received), each counted once under its main team (see 'Team and theme of a "
        "complaint'). Percentages are of all stage "
        f"{stage} complaints received in the period."
    )


def _by_theme(stage: int) -> str:
    return (
        f"Stage {stage} complaints received in the period, each counted once under its main "
        "theme (the theme of its lowest-numbered element that has one; otherwise the first "
        "theme recorded on the complaint)."
    )


def _timeliness(stage: int) -> str:
    text = (
        f"Stage {stage} complaints concluded in each quarter (by date concluded, whenever "
        "received): how many, how many within timescale (counting agreed extensions), the "
        "percentage within timescale, and the average working days taken. 'Withdrawn or "
        f"discontinued' counts stage {stage}s that ended early in the quarter; they are not "
        "concluded and not in the percentage."
    )
    if stage == 2:
        text += (
            " The children's stage 2 clock runs from the agreed statement of complaint, so "
            "beside the statutory figure are the average working days from the request to the "
            "agreed statement (over the stages that have one) and from the request to the "
            "response (the adjudication)."
        )
    return text


DEFINITIONS: tuple[Definition, ...] = (
    Definition(
        "feedback-received",
        "summary",
        "Feedback received by type and quarter",
        "Records received in each quarter, by the date received: compliments, initial "
        "contacts, and enquiries, comments and suggestions by the record's date received; "
        "complaints at each stage by the date that stage was received. A complaint that reaches "
        "stage 2 counts once at stage 1 and again at stage 2; an initial contact progressed to "
        "a complaint counts as a contact and again as a stage 1 complaint (received on the day "
        "it was progressed).",
    ),
    Definition(
        "compliments-by-team",
        "compliments",
        "Compliments by team",
        "Compliments received in the period (by date received) under the first team recorded "
        "on each, against the same period last year.",
    ),
    Definition(
        "contacts",
        "contacts",
        "Initial contacts received, resolved and progressed",
        "Initial contacts received in each quarter (by date received), by what became of them: "
        "resolved informally, or progressed to a stage 1 complaint, whenever that happened. "
        "'Open or ended otherwise' are those not yet resolved or progressed, or withdrawn. "
        "Percentages are of the contacts received in the period.",
    ),
    Definition(
        "complaints-received",
        "complaints",
        "Complaints received by stage, procedure and quarter",
        "Complaints received at each stage in each quarter, by the date the stage was received "
        "(stage 1: the complaint's receipt; stages 2 and 3: the complainant's request), split "
        "by the procedure they follow. ±yr is this period's total minus the same period last "
        "year's. N/A: the procedure has no such stage.",
    ),
    Definition(
        "complainant-type",
        "complaints",
        "Complaints by who made them",
        "Complaints whose stage 1 was received in the period, by their first-recorded "
        "complainant: a child or young person (looked after or not, as recorded on the "
        "person); a parent or carer (parent, carer, foster carer or special guardian), split by "
        "whether a child the complaint is about is looked after; or someone else (an advocate, a "
        "professional, anyone else, or no complainant recorded).",
    ),
    Definition(
        "complainant-issues",
        "complaints",
        "Issues raised, by who raised them",
        "The points of complaint (elements) of complaints whose stage 1 was received in the "
        "period, by each element's theme and the complaint's complainant type (as in 'Complaints "
        "by who made them').",
    ),
    Definition("stage1-teams", "stage1", "Stage 1 complaints by team", _by_team(1)),
    Definition("stage1-themes", "stage1", "Stage 1 complaints by theme", _by_theme(1)),
    Definition("stage1-timeliness", "stage1", "Stage 1 timeliness", _timeliness(1)),
    Definition("stage1-outcomes", "stage1", "Stage 1 outcomes of elements", _outcomes(1)),
    Definition("stage1-upheld-themes", "stage1", "Stage 1 upheld elements by theme", _upheld(1)),
    Definition("stage2-teams", "stage2", "Stage 2 complaints by team", _by_team(2)),
    Definition("stage2-themes", "stage2", "Stage 2 complaints by theme", _by_theme(2)),
    Definition("stage2-timeliness", "stage2", "Stage 2 timeliness", _timeliness(2)),
    Definition("stage2-outcomes", "stage2", "Stage 2 outcomes of elements", _outcomes(2)),
    Definition("stage2-upheld-themes", "stage2", "Stage 2 upheld elements by theme", _upheld(2)),
    Definition(
        "stage3-panels",
        "stage3",
        "Stage 3 review panels and their timeliness",
        "Stage 3 (review panel) requests received, panels that met, and stage 3s concluded "
        "(the council's response to the panel's report was sent), each in the quarter of its "
        "own date. Within timescale: the panel met within 30 working days of the request, "
        "reported within 5 working days of meeting, and the council responded within 15 "
        "working days of the report. Working days count from the request to the council's "
        "response.",
    ),
    Definition("stage3-outcomes", "stage3", "Stage 3 outcomes of elements", _outcomes(3)),
    # The registers: present when harken.registers / harken.learning provide their records.
    Definition(
        "ombudsman-cases",
        "ombudsman",
        "Ombudsman enquiries and their outcomes",
        "Enquiries from the Local Government and Social Care Ombudsman received in the period "
        "(by the date the council received the enquiry), by the Ombudsman's decision as it stood "
        "at the end of the period: an enquiry decided after the period counts as in progress.",
    ),
    Definition(
        "costs",
        "costs",
        "Cost of investigating complaints",
        "Investigation costs (Investigating Officer, Independent Person, review panel and other "
        "fees) by the date each was incurred, against the same period last year.",
    ),
    Definition(
        "compensation",
        "costs",
        "Compensation and financial remedies paid",
        "Each payment made in the period (by date paid), its kind and amount, and the total, "
        "against last year's total. What each was for, and its case, are shown in the internal "
        "edition only, and only to those who may see that case: a row about a restricted case "
        "(or an Ombudsman case naming someone only on restricted cases) keeps its date, kind "
        "and amount but loses its reason and reference for anyone not named, with a note "
        "saying how many rows are so.",
    ),
    Definition(
        "persistent-contact",
        "persistent",
        "Unreasonably persistent contact decisions",
        "Letters issued to complainants about unreasonably persistent or vexatious contact (by "
        "the date issued); decisions made (by decision date) and the different people they were "
        "about; restrictions in force on the last day of the period; restrictions that ended in "
        "the period.",
    ),
    Definition(
        "advocacy",
        "advocacy",
        "Advocacy referrals",
        "Referrals of children and young people for advocacy made in the period (by the date of "
        "referral), by provider (in-house or independent), and the number of different children "
        "referred.",
    ),
    Definition(
        "subject-access",
        "sar",
        "Subject access requests and their timeliness",
        "Requests received in the period (by date received) and how many of those were extended; "
        "responses sent in the period (by date sent, whenever received) and how many were sent by "
        "the due date (one calendar month, or the extended date); requests open at the end of "
        "the period and how many of those were past their due date.",
    ),
    Definition(
        "recommendations",
        "learning",
        "Recommendations made and implemented",
        "Recommendations made in the period (by the date made), by where they stood at the end "
        "of the period: not accepted by the council; implemented (every action on them "
        "completed); or still open (of which overdue: an action past its due date). Actions "
        "completed counts the actions on them completed by the end of the period.",
    ),
)

# --- Issue 14, the pool of independent people ---
DEFINITIONS += (
    Definition(
        "independent-people",
        "pool",
        "Independent people appointed",
        "Appointments of people from the pool of independent people to a stage made in the "
        "period (by the date appointed), by role; of those, how many were of people provided by "
        "a partner council; and how many times the partner councils the council lends people "
        "to appointed one of them (by the date appointed, as recorded on the pool entry). "
        "Appointments of a member of staff by their account alone are not counted.",
    ),
    Definition(
        "independent-people-fees",
        "pool",
        "Fees of independent people",
        "The fees of the appointments from the pool made in the period (by the date appointed), "
        "by role: days at the person's day rate, or their fixed fee. Each fee is also an "
        "investigation cost in the costs register, so it is already in the cost of "
        "investigating above: this table says which part of it the pool's fees are, it does "
        "not add to it.",
    ),
)
# --- end of issue 14's block ---
# --- Issue 14 (homes): children's homes, visits and drop-ins (harken/homes, ADR 0180) ---
HOMES_DEFINITIONS: tuple[Definition, ...] = (
    Definition(
        "home-visits",
        "homes",
        "Regulation 44 visits due, made and late, by home",
        "Each children's home open in the period, over the whole calendar months the period "
        "covers (up to today): a month is due a visit when the home was open on any day of it; "
        "visited when it had a visit that month; with no visit when it had none and the month "
        "is over (the month still running is due but neither). Visits made counts every visit "
        "in those months. A report is late to Ofsted when it was sent after the end of the "
        "month after the visit, or is still not sent once that day has passed. Last year's "
        "columns are the same months a year earlier.",
    ),
    Definition(
        "visit-recommendations",
        "homes",
        "Recommendations made at visits",
        "Recommendations the independent visitors made at visits in the period (by the date of "
        "the visit), as they stood at the end of the period, counted as the action plan's "
        "recommendations are (implemented: every action completed). They are not in "
        "'Recommendations made and implemented', which counts those of complaints and the "
        "Ombudsman.",
    ),
    Definition(
        "drop-ins",
        "direct_work",
        "Drop-ins with young people",
        "Drop-in sessions held in the period (by the date held) at homes and other placements, "
        "and the number of young people who came (a young person who came to two sessions "
        "counts twice).",
    ),
    Definition(
        "issues-raised",
        "direct_work",
        "Concerns raised at visits and drop-ins, and what became of them",
        "Issues and concerns recorded at Regulation 44 visits and drop-ins held in the period "
        "(by the visit's or drop-in's date), by what the officer decided: no action, passed to "
        "the team, advocacy offered or referred, a safeguarding concern (recorded on an initial "
        "contact), an initial contact or a complaint. The cases they became are also counted "
        "in their own tables.",
    ),
    Definition(
        "advocacy-direct-work",
        "advocacy",
        "Advocacy from drop-ins and visits",
        "Of the advocacy referrals (by the date of referral), those made from an issue raised "
        "at a drop-in or a visit; how many went to independent advocacy; the number of "
        "different children referred. They are also in 'Advocacy referrals'.",
    ),
)
DEFINITIONS = (*DEFINITIONS, *HOMES_DEFINITIONS)
# --- end of issue 14 (homes) ---
# Issue 14: surveys (harken/surveys/metrics.py).
DEFINITIONS += (
    Definition(
        "survey-response-rate",
        "surveys",
        "Satisfaction surveys: response rate and satisfaction by stage",
        "Satisfaction surveys sent in the period (by the date sent) after an initial contact or "
        "a complaint's stage closed, by that stage; how many of those were answered (whenever), "
        "the response rate (answered as a percentage of sent), and how many answers gave 4 or 5 "
        "out of 5 to the survey's first satisfaction question (satisfied). Nothing about who "
        "answered is kept.",
    ),
    Definition(
        "survey-satisfaction",
        "surveys",
        "Satisfaction by quarter",
        "Answers with a satisfaction from 1 to 5 received in each quarter (by the date "
        "received): those answering the surveys Harken sent and the other survey returns "
        "imported (such as the parents' survey). Satisfied is 4 or 5, neither 3, dissatisfied "
        "1 or 2.",
    ),
    Definition(
        "survey-comments",
        "surveys",
        "Survey comments by theme and what became of them",
        "Free-text comments in survey answers and imported returns received in the period (by "
        "the date the return was received), by theme, and what the officer decided: no action, "
        "passed to the team, a safeguarding concern, became an initial contact, or not yet "
        "triaged.",
    ),
)

BY_ID = {d.id: d for d in DEFINITIONS}


def definition(table_id: str) -> Definition:
    return BY_ID[table_id]
