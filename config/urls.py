from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("core.urls_auth")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("", include("core.urls")),
    path("ledger/", include("ledger.urls")),
    path("bonds/", include("bondfund.urls")),
    path("grants/", include("grants.urls")),
    path("payments/", include("payments.urls")),
    path("notifications/", include("notifications.urls")),
    path("monitoring/", include("monitoring.urls")),
    path("pale/", include("pale.urls")),
    path("obligations/", include("obligations.urls")),
    path("", include("public.urls")),  # the family lookup at /status/, staff cards
    path("healthz/", include("ops.urls")),
    path("administration/", include("administration.urls")),
]
