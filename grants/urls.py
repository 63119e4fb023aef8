from django.urls import path

from casework.urls import case_urlpatterns
from grants import urls_documents, views

app_name = "grants"
urlpatterns = [
    *case_urlpatterns(views, case="application"),
    path("report/", views.report, name="report"),
    path("programs/<int:pk>/allocate/", views.program_allocate, name="program_allocate"),
    path("programs/<int:pk>/partner-cap/", views.program_partner_cap,
         name="program_partner_cap"),
    path("programs/<int:pk>/people/", views.program_people_cap, name="program_people_cap"),
    path("approvals/sign/", views.approval_sign_many, name="approval_sign_many"),
    path("approvals/<int:pk>/sign/", views.approval_sign_one, name="approval_sign_one"),
    *urls_documents.urlpatterns,
]
