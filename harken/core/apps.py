from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "harken.core"
    label = "core"

    def ready(self) -> None:
        from . import deploy  # noqa: F401  # registers the deploy checks
