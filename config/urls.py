"""URL map: each app brings its pages, its API under /api/v1/ and any root-level routes."""

from importlib import import_module

from django.conf import settings
from django.contrib import admin
from django.contrib.auth.decorators import login_required
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from accounts import views as accounts_views

from . import views

handler404 = "config.views.not_found"

admin.site.site_header = "Flexwork"
admin.site.site_title = "Flexwork"

# (app, URL prefix of its pages)
APP_PREFIXES = [
    ("accounts", "accounts/"),
    ("approvals", "approvals/"),
    ("smartcenters", "centers/"),
    ("worktime", "worktime/"),
    ("rpa", "rpa/"),
]

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
]

for app_label, prefix in APP_PREFIXES:
    module = import_module(f"{app_label}.urls")
    urlpatterns.append(path(prefix, include((module.urlpatterns, app_label))))
    api = getattr(module, "api_urlpatterns", None)
    if api:
        urlpatterns.append(path("api/v1/", include((api, f"{app_label}-api"))))
    root = getattr(module, "root_urlpatterns", None)
    if root:
        urlpatterns.append(path("", include(root)))

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
