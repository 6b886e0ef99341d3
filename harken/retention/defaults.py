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
]
