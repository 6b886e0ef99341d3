from django.apps import AppConfig


class CaseworkConfig(AppConfig):
    name = "harken.casework"
    label = "casework"
