from django.contrib import admin
from django.urls import include, path
from two_factor.urls import urlpatterns as two_factor_urls

urlpatterns = [
    path("", include(two_factor_urls)),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("", include("core.urls")),
    path("ledger/", include("ledger.urls")),
    path("bonds/", include("bondfund.urls")),
    path("grants/", include("grants.urls")),
    path("payments/", include("payments.urls")),
    path("status/", include("public.urls")),
]
