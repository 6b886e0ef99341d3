from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "harken.cases"
    label = "cases"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from harken.workdays.models import ClosureDay

        from .tasks import closure_days_changed

        post_save.connect(
            closure_days_changed, sender=ClosureDay, dispatch_uid="cases-closure-save"
        )
        post_delete.connect(
            closure_days_changed, sender=ClosureDay, dispatch_uid="cases-closure-delete"
        )
