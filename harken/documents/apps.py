from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "harken.documents"
    label = "documents"
    verbose_name = "Documents and letters"

    def ready(self) -> None:
        from harken.core.panels import register_case_panel

        register_case_panel("documents/case_panel.html", order=30, tab="documents")
