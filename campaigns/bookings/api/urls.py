from rest_framework.routers import SimpleRouter

from .application_views import ApplicationViewSet
from .views import ContractViewSet, MilestoneViewSet, OfferViewSet

router = SimpleRouter()
router.register("offers", OfferViewSet, basename="offer")
router.register("contracts", ContractViewSet, basename="contract")
router.register("milestones", MilestoneViewSet, basename="milestone")
router.register("applications", ApplicationViewSet, basename="application")
urlpatterns = router.urls
