"""`/api/docs/`: Swagger UI under the site's strict CSP, from our own static files (offline).

drf-spectacular's split view serves the init script as a separate URL (`?script`), so no inline
<script> is needed; our template only drops the stock inline <style> block (moved to a static
file), so the page runs with the unchanged site-wide CSP.
"""

from drf_spectacular.views import SpectacularSwaggerSplitView


class ApiDocsView(SpectacularSwaggerSplitView):
    template_name = "api/swagger_ui.html"
    title = "AUX API"
