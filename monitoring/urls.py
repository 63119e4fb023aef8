from django.urls import path

from monitoring import views

app_name = "monitoring"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("statements/", views.statement_batches, name="statement_batches"),
    path("statements/start/", views.statement_batch_start, name="statement_batch_start"),
]
