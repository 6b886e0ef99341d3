from django.apps import AppConfig


class RegistersConfig(AppConfig):
    name = "harken.registers"
    label = "registers"

    def ready(self) -> None:
        from harken.core.panels import EVERY_TAB, register_case_panel

        # The persistent-contact banner is at the top of every part of the case page; the
        # registers' summary card is on its summary.
        register_case_panel("registers/case_banner.html", order=5, tab=EVERY_TAB)
        register_case_panel("registers/case_panel.html", order=5)
