"""The data-protection complaint letters Harken ships (a copy of DATA_PROTECTION_DEFAULTS in
harken/documents/letter_defaults.py as it was when this migration was written): an
acknowledgement, and an outcome that gives the right to complain to the Information
Commissioner (Data Protection Act 2018 s164A)."""

from django.db import migrations

TEMPLATES = [
    (
        "acknowledgement",
        "Data protection complaint: acknowledgement",
        "Dear {{ complainant.name }}\n\n## Your data protection complaint, reference {{ case.reference }}\n\nThank you for your complaint about how we have handled your personal information, which we received on {{ stage.received_on }}. Please quote the reference {{ case.reference }} whenever you contact us about it.\n\n{% if elements %}\nWe understand your complaint is about:\n\n{% for element in elements %}\n- {{ element.summary }}\n{% endfor %}\n\nIf we have misunderstood anything, please tell us as soon as you can.\n{% endif %}\n\n## What happens next\n\nWe are looking into your complaint now. We will make the enquiries we need to, keep you told of our progress, and tell you the outcome without undue delay.\n\nIf you are unhappy with how we deal with your complaint, you can complain to the {{ ombudsman.name }}, who regulates how organisations use personal information.\n\n- Website: {{ ombudsman.website }}\n- Phone: {{ ombudsman.phone }}\n\nIf you have any questions, please contact me{% if officer.email %} at {{ officer.email }}{% endif %}, quoting the reference {{ case.reference }}.",
    ),
    (
        "stage_response",
        "Data protection complaint: outcome",
        "Dear {{ complainant.name }}\n\n## The outcome of your data protection complaint, reference {{ case.reference }}\n\nThank you for your complaint about how we have handled your personal information, which we received on {{ stage.received_on }}. This letter tells you the outcome.\n\n## What we found\n\n{% if elements %}\n{% for element in elements %}\n- Point {{ element.number }}: {{ element.summary }}{% if element.outcome %}. Our finding: {{ element.outcome|lower }}.{% endif %}\n{% endfor %}\n{% endif %}\n\n{{ letter.text }}\n\n## Your right to complain to the Information Commissioner\n\nIf you are unhappy with the outcome, you have the right to complain to the {{ ombudsman.name }} (ICO), which regulates how organisations use personal information. The ICO is free and independent. It usually expects you to contact it within three months of your last meaningful contact with us about your complaint.\n\n- Website: {{ ombudsman.website }}\n- Phone: {{ ombudsman.phone }}\n\nYou can also ask a court to enforce your rights under data protection law.\n\nIf you have any questions, please contact me{% if officer.email %} at {{ officer.email }}{% endif %}, quoting the reference {{ case.reference }}.",
    ),
]


def install(apps, schema_editor):
    LetterTemplate = apps.get_model("documents", "LetterTemplate")
    LetterTemplateRevision = apps.get_model("documents", "LetterTemplateRevision")
    for kind, name, body in TEMPLATES:
        template, created = LetterTemplate.objects.get_or_create(
            name=name, defaults={"kind": kind, "body": body, "version": 1}
        )
        if created:
            LetterTemplateRevision.objects.create(
                template=template, version=1, name=name, body=body
            )


def remove(apps, schema_editor):
    LetterTemplate = apps.get_model("documents", "LetterTemplate")
    LetterTemplate.objects.filter(name__in=[name for _, name, _ in TEMPLATES], version=1).delete()


class Migration(migrations.Migration):
    dependencies = [("documents", "0002_default_letter_templates")]

    operations = [migrations.RunPython(install, remove)]
