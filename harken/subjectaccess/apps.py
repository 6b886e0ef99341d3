from django.apps import AppConfig


class SubjectAccessConfig(AppConfig):
    name = "harken.subjectaccess"
    label = "subjectaccess"
    verbose_name = "Subject access"
