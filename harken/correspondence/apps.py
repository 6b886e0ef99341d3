from django.apps import AppConfig


class CorrespondenceConfig(AppConfig):
    name = "harken.correspondence"
    label = "correspondence"
    verbose_name = "Correspondence"
