from django.urls import path

from bondfund import urls_documents, views
from casework.urls import case_urlpatterns

app_name = "bondfund"
urlpatterns = [
    *case_urlpatterns(views, case="request"),
    path("refunds-due/", views.refunds_due, name="refunds_due"),
    path("programs/<int:pk>/budget/<slug:kind>/", views.program_budget, name="program_budget"),
    *urls_documents.urlpatterns,
]
