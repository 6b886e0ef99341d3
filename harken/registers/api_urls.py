"""/api/v1/registers/... (included from harken/api/urls.py)."""

from rest_framework.routers import SimpleRouter

from . import api

router = SimpleRouter()
router.register("ombudsman-cases", api.OmbudsmanCaseViewSet, basename="api-registers-ombudsman")
router.register("payments", api.PaymentViewSet, basename="api-registers-payment")
router.register("costs", api.CostViewSet, basename="api-registers-cost")
router.register("restrictions", api.RestrictionViewSet, basename="api-registers-restriction")
router.register("advocacy-referrals", api.AdvocacyViewSet, basename="api-registers-advocacy")
router.register("subject-access-requests", api.SarViewSet, basename="api-registers-sar")

urlpatterns = router.urls
