from django.apps import AppConfig


class ProceduresConfig(AppConfig):
    name = "harken.procedures"
    label = "procedures"
