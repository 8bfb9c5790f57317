"""The REST API router under /api/: each app registers its viewsets here."""

from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.routers import APIRootView, DefaultRouter

from analysis.api import views as analysis_views
from missions.api import views as missions_views


class MapsLinkingAPIRootView(APIRootView):
    """The API root, listing the launch-site map page next to the API's collections."""

    def get_view_name(self) -> str:
        return "Space Mission Analysis API"

    def get(self, request: Request, *args, **kwargs) -> Response:
        response = super().get(request, *args, **kwargs)
        response.data["maps"] = reverse("maps", request=request)
        return response


router = DefaultRouter()
# The root also links the /maps/ page.
router.APIRootView = MapsLinkingAPIRootView

# Launch records (missions app).
router.register("launches", missions_views.LaunchViewSet, basename="launch")
router.register("organisations", missions_views.OrganisationViewSet, basename="organisation")
router.register("rockets", missions_views.RocketViewSet, basename="rocket")
router.register("sites", missions_views.SiteViewSet, basename="site")
router.register("imports", missions_views.ImportRunViewSet, basename="import")

# Analyses and their jobs (analysis app).
router.register("analyses", analysis_views.AnalysisViewSet, basename="analysis")
router.register("jobs", analysis_views.JobViewSet, basename="job")
