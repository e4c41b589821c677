from rest_framework.routers import SimpleRouter

from .views import BriefViewSet

router = SimpleRouter()
router.register("briefs", BriefViewSet, basename="brief")
urlpatterns = router.urls
