from django.apps import AppConfig


class OpsConfig(AppConfig):
    """Running Harken on servers: health, metrics, logs, replicas, storage, locks."""

    name = "harken.ops"
    label = "ops"

    def ready(self) -> None:
        from . import logs

        logs.configure()
