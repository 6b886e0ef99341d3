from django.apps import AppConfig


class PoolConfig(AppConfig):
    name = "harken.pool"
    label = "pool"
    verbose_name = "Pool of independent people"
