from rest_framework.routers import SimpleRouter

from .booking_views import ContractViewSet, MilestoneViewSet, OfferViewSet
from .views import BriefViewSet

router = SimpleRouter()
router.register("briefs", BriefViewSet, basename="brief")
router.register("offers", OfferViewSet, basename="offer")
router.register("contracts", ContractViewSet, basename="contract")
router.register("milestones", MilestoneViewSet, basename="milestone")
urlpatterns = router.urls
