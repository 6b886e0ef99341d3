from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "harken.cases"
    label = "cases"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from harken.core.audit import register_case_tables
        from harken.workdays.models import ClosureDay

        from .models import CaseRead, TimelineEvent
        from .tasks import closure_days_changed

        # The audit API (core.audit) writes a case's events and reads to these tables.
        register_case_tables(timeline=TimelineEvent, reads=CaseRead)

        post_save.connect(
            closure_days_changed, sender=ClosureDay, dispatch_uid="cases-closure-save"
        )
        post_delete.connect(
            closure_days_changed, sender=ClosureDay, dispatch_uid="cases-closure-delete"
        )
