from django.apps import AppConfig


class HomesConfig(AppConfig):
    name = "harken.homes"
    label = "homes"
    verbose_name = "Children's homes, visits and drop-ins"
    default_auto_field = "django.db.models.BigAutoField"
