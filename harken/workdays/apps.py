from django.apps import AppConfig


class WorkdaysConfig(AppConfig):
    name = "harken.workdays"
    label = "workdays"
    verbose_name = "Working days"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from . import checks  # noqa: F401  # registers the settings check
        from .models import ClosureDay
        from .signals import closure_days_changed

        post_save.connect(closure_days_changed, sender=ClosureDay, dispatch_uid="workdays-save")
        post_delete.connect(closure_days_changed, sender=ClosureDay, dispatch_uid="workdays-delete")
