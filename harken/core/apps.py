from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "harken.core"
    label = "core"
