"""The shipped retention schedule and where each period comes from (docs/data-protection.md)."""

from __future__ import annotations

from typing import TypedDict


class Default(TypedDict):
    kind: str
    basis: str
    years: int
    source: str


DEFAULT_RULES: list[Default] = [
    {
        "kind": "complaint",
        "basis": "closure",
        "years": 6,
        "source": "IRMS Retention Guidelines for Local Authorities (complaints: closure + 6 "
        "years); Limitation Act 1980 s2 and s5",
    },
    {
        "kind": "contact",
        "basis": "closure",
        "years": 6,
        "source": "As complaints (IRMS): an initial contact may become a complaint",
    },
    {
        "kind": "compliment",
        "basis": "closure",
        "years": 2,
        "source": "Local practice (no statutory period; IRMS leaves feedback to the council)",
    },
    {
        "kind": "representation",
        "basis": "closure",
        "years": 2,
        "source": "Local practice (no statutory period; IRMS leaves feedback to the council)",
    },
    {
        "kind": "looked_after",
        "basis": "birthday_75",
        "years": 75,
        "source": "Care Planning, Placement and Case Review (England) Regulations 2010 reg 50 "
        "(75th birthday; 15 years after the last entry where the council so decides)",
    },
    # Register records not linked to a case. "Closure" is the day the record ended: the
    # response sent, the Ombudsman's decision, the restriction ended, the advocacy outcome.
    {
        "kind": "sar",
        "basis": "closure",
        "years": 2,
        "source": "IRMS Retention Guidelines for Local Authorities (information requests: last "
        "action + 1 year, longer where the ICO is involved): 2 years after the response, "
        "so a complaint to the ICO (3 months) and its handling are covered",
    },
    {
        "kind": "ombudsman",
        "basis": "closure",
        "years": 6,
        "source": "As complaints (IRMS: closure + 6 years; Limitation Act 1980 s2, s5), "
        "counted from the Ombudsman's decision",
    },
    {
        "kind": "restriction",
        "basis": "closure",
        "years": 6,
        "source": "As complaints (IRMS: closure + 6 years), counted from the day the "
        "restriction ended; one in force is never due",
    },
    {
        "kind": "advocacy",
        "basis": "closure",
        "years": 6,
        "source": "As complaints (IRMS: closure + 6 years), counted from the referral's "
        "outcome; a looked-after child's is kept with their case",
    },
    # docs/adr/0152. "Closure" of a rights request is the day it was carried out or refused
    # (for a restriction carried out, the day it was lifted); of a shared mailbox e-mail set
    # aside or marked not feedback, the day it arrived.
    {
        "kind": "rights",
        "basis": "closure",
        "years": 2,
        "source": "As subject access requests (IRMS Retention Guidelines for Local "
        "Authorities, information requests: last action + 1 year, longer where the ICO is "
        "involved): 2 years after the request was carried out or refused, or a restriction "
        "lifted; one in force is never due",
    },
    {
        "kind": "mail",
        "basis": "closure",
        "years": 1,
        "source": "Local practice (IRMS: correspondence of short-term value kept only while "
        "needed): 1 year after it arrived, for an automatic reply, a bounce or an e-mail marked "
        "not feedback; one made into a record or added to a case goes with it",
    },
    # Issue 14 (docs/adr/0250). "Closure" of a survey comment is the day it was triaged (one
    # not yet triaged is running); of a person who left the pool, the last entry in their
    # pool record (leaving, an appointment) or the end of their last appointment.
    {
        "kind": "survey_comment",
        "basis": "closure",
        "years": 2,
        "source": "Local practice (IRMS leaves feedback to the council; as compliments and "
        "comments): 2 years after the comment was triaged, for a survey comment on no case; "
        "one that came with a case or became an initial contact goes with that case",
    },
    {
        "kind": "pool",
        "basis": "closure",
        "years": 6,
        "source": "IRMS Retention Guidelines for Local Authorities (contracts and the payments "
        "made under them: 6 years; Limitation Act 1980 s5): 6 years after a person who left the "
        "pool last worked from it; one appointed to a case still kept is kept with it. Their "
        "fees stay in the costs register, without their name",
    },
    # Issue 14 (homes). "Closure" of a visit is the day of the visit; of a drop-in, the day
    # it was held. The issues raised go with them, except one that became an initial contact,
    # a complaint or a safeguarding concern: it follows that case (an advocacy referral
    # follows its own rule).
    {
        "kind": "home_visit",
        "basis": "closure",
        "years": 15,
        "source": "Children's Homes (England) Regulations 2015 reg 37 and Schedule 4: a home's "
        "records other than a child's case records are kept for at least 15 years from the "
        "last entry; the council's copy of each Regulation 44 report (reg 44(7)) is kept as "
        "long, counted from the visit",
    },
    {
        "kind": "drop_in",
        "basis": "closure",
        "years": 6,
        "source": "As complaints (IRMS: closure + 6 years; Limitation Act 1980 s2, s5), counted "
        "from the day of the drop-in: an issue raised there may become a complaint",
    },
]


def install() -> int:
    """Add any shipped rule missing (a flushed test database); returns how many were added.
    The migration does the same for a new database."""
    from .models import RetentionRule, RetentionRuleVersion

    added = 0
    for default in DEFAULT_RULES:
        rule, created = RetentionRule.objects.get_or_create(
            kind=default["kind"],
            defaults={
                "basis": default["basis"],
                "years": default["years"],
                "source": default["source"],
            },
        )
        if created:
            RetentionRuleVersion.objects.create(
                rule=rule,
                version=1,
                basis=rule.basis,
                years=rule.years,
                source=rule.source,
                reason="Shipped default",
            )
            added += 1
    return added
