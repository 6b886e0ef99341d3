from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "harken.accounts"
    label = "accounts"
