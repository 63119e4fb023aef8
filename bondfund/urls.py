from django.urls import path

from bondfund import urls_documents, views
from casework.urls import case_urlpatterns

app_name = "bondfund"
urlpatterns = [
    *case_urlpatterns(views, case="request"),
    path("refunds-due/", views.refunds_due, name="refunds_due"),
    path("submit-drafts/", views.request_submit_many, name="request_submit_many"),
    path("programs/<int:pk>/budget/<slug:kind>/", views.program_budget, name="program_budget"),
    path("programs/<int:pk>/people/", views.program_people_cap, name="program_people_cap"),
    path("approvals/sign/", views.approval_sign_many, name="approval_sign_many"),
    path("approvals/<int:pk>/sign/", views.approval_sign_one, name="approval_sign_one"),
    *urls_documents.urlpatterns,
]
