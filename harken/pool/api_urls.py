"""/api/v1/pool/... (included from harken/api/urls.py)."""

from rest_framework.routers import SimpleRouter

from . import api

router = SimpleRouter()
router.register("", api.PoolViewSet, basename="api-pool")

urlpatterns = router.urls
