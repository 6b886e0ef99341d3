from django.apps import AppConfig


class RegistersConfig(AppConfig):
    name = "harken.registers"
    label = "registers"

    def ready(self) -> None:
        from harken.core.panels import register_case_panel

        # Early on the case page: the persistent-contact banner belongs near the top.
        register_case_panel("registers/case_panel.html", order=5)
