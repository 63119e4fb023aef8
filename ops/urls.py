from django.urls import path

from ops.health import FianzaHealthView

app_name = "ops"
urlpatterns = [
    path("", FianzaHealthView.as_view(), name="healthz"),
]
