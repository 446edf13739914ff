"""URL map: each app's pages under its own prefix, its API under /api/v1/, a few root routes."""

from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.auth.decorators import login_required
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from accounts import urls as accounts_urls
from accounts import views as accounts_views
from approvals import urls as approvals_urls
from rpa import urls as rpa_urls
from smartcenters import urls as smartcenters_urls
from worktime import urls as worktime_urls

from . import views

handler404 = "config.views.not_found"

admin.site.site_header = "Flexwork"
admin.site.site_title = "Flexwork"

# Namespaces: an app's pages are "<app>:<name>", its API "<app>-api:<name>"; root routes keep
# their own names ("rpa-selfcheck", "webmanifest").
urlpatterns = [
    path("", accounts_views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # Signed-in people only: the schema by SPECTACULAR_SETTINGS' permissions (401/403), the
    # interactive docs page by sending anyone else to sign in.
    path(
        "api/docs/",
        login_required(SpectacularSwaggerSplitView.as_view(url_name="api-schema")),
        name="api-docs",
    ),
    # accounts: sign-in, one-time codes, settings, notifications; the API's /me/.
    path("accounts/", include((accounts_urls.urlpatterns, "accounts"))),
    path("api/v1/", include((accounts_urls.api_urlpatterns, "accounts-api"))),
    # approvals: inbox and documents; the web app's offline page, manifest and service worker.
    path("approvals/", include((approvals_urls.urlpatterns, "approvals"))),
    path("api/v1/", include((approvals_urls.api_urlpatterns, "approvals-api"))),
    path("", include(approvals_urls.root_urlpatterns)),
    # smartcenters: seat booking.
    path("centers/", include((smartcenters_urls.urlpatterns, "smartcenters"))),
    path("api/v1/", include((smartcenters_urls.api_urlpatterns, "smartcenters-api"))),
    # worktime: flexible-work requests, 근무상황 (away records), closures.
    path("worktime/", include((worktime_urls.urlpatterns, "worktime"))),
    path("api/v1/", include((worktime_urls.api_urlpatterns, "worktime-api"))),
    # rpa: case sheets and SMS; residents' self-check links at /s/.
    path("rpa/", include((rpa_urls.urlpatterns, "rpa"))),
    path("api/v1/", include((rpa_urls.api_urlpatterns, "rpa-api"))),
    path("", include(rpa_urls.root_urlpatterns)),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
