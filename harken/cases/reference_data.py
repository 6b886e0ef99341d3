"""Default teams and themes, taken from the two source reports; councils change them."""

from __future__ import annotations

from typing import Any

SOCIAL_CARE = "Children's social care"
EDUCATION = "Education and SEND"
EARLY_HELP = "Early help"
CORPORATE_SERVICES = "Corporate services"

# (team, service area, procedure a complaint about it is suggested to follow)
TEAMS: tuple[tuple[str, str, str], ...] = (
    ("Assessment Teams", SOCIAL_CARE, "children-statutory"),
    ("Child Protection Teams", SOCIAL_CARE, "children-statutory"),
    ("Adoption Team", SOCIAL_CARE, "children-statutory"),
    ("Connected Carers Team", SOCIAL_CARE, "children-statutory"),
    ("Fostering Team", SOCIAL_CARE, "children-statutory"),
    ("Permanence Teams", SOCIAL_CARE, "children-statutory"),
    ("Children with Disabilities Team", SOCIAL_CARE, "children-statutory"),
    ("Children's Homes", SOCIAL_CARE, "children-statutory"),
    ("Next Steps Team", SOCIAL_CARE, "children-statutory"),
    ("Independent Reviewing Team (ICRT)", SOCIAL_CARE, "children-statutory"),
    ("Family Time Team", SOCIAL_CARE, "children-statutory"),
    ("SEND Team", EDUCATION, "corporate-lgsco-2024"),
    ("Education - Transport", EDUCATION, "corporate-lgsco-2024"),
    ("Early Help", EARLY_HELP, "corporate-lgsco-2024"),
    ("Business Support", CORPORATE_SERVICES, "corporate-lgsco-2024"),
    ("Finance", CORPORATE_SERVICES, "corporate-lgsco-2024"),
    ("Customer Feedback Team", CORPORATE_SERVICES, "corporate-lgsco-2024"),
)

THEMES: tuple[str, ...] = (
    "Case management (actions, inaction or decisions)",
    "SEND issues",
    "Information held",
    "Communication",
    "Social worker conduct",
    "Attitude or behaviour of staff",
    "Provision of information",
    "Disagreement with decision or case planning",
    "Speed of service or delays",
    "Allocation of worker",
    "Behaviour of other service users",
    "Environment",
    "Privacy",
    "Contact and family time",
    "Finance and allowances",
    "Transport",
)


def install(apps: Any = None) -> None:
    """Create the default teams and themes where missing (usable from a data migration)."""
    if apps is None:
        from django.apps import apps as global_apps

        apps = global_apps
    service_area = apps.get_model("accounts", "ServiceArea")
    team = apps.get_model("accounts", "Team")
    theme = apps.get_model("cases", "Theme")
    for name, area_name, procedure in TEAMS:
        area, _ = service_area.objects.get_or_create(name=area_name)
        team.objects.get_or_create(
            name=name, defaults={"service_area": area, "default_procedure_code": procedure}
        )
    for name in THEMES:
        theme.objects.get_or_create(name=name)
