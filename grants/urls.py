from django.urls import path

from grants import urls_documents, views

app_name = "grants"
urlpatterns = [
    path("", views.application_list, name="application_list"),
    path("new/", views.application_create, name="application_create"),
    path("approvals/", views.approval_queue, name="approval_queue"),
    path("report/", views.report, name="report"),
    path("<int:pk>/", views.application_detail, name="application_detail"),
    path("<int:pk>/edit/", views.application_edit, name="application_edit"),
    path("<int:pk>/documents/", views.document_upload, name="document_upload"),
    path("<int:pk>/documents/<int:document_pk>/", views.document_download,
         name="document_download"),
    path("<int:pk>/submit/", views.application_submit, name="application_submit"),
    path("<int:pk>/approve/", views.application_approve, name="application_approve"),
    path("<int:pk>/return/", views.application_return, name="application_return"),
    path("<int:pk>/reject/", views.application_reject, name="application_reject"),
    path("<int:pk>/withdraw/", views.application_withdraw, name="application_withdraw"),
    path("<int:pk>/void/", views.application_void, name="application_void"),
    path("<int:pk>/disburse/", views.application_disburse, name="application_disburse"),
    path("<int:pk>/receipt/", views.application_receipt, name="application_receipt"),
    path("<int:pk>/close/", views.application_close, name="application_close"),
    path("programs/", views.program_list, name="program_list"),
    path("programs/new/", views.program_create, name="program_create"),
    path("programs/<int:pk>/", views.program_detail, name="program_detail"),
    path("programs/<int:pk>/allocate/", views.program_allocate, name="program_allocate"),
    path("programs/<int:pk>/partner-cap/", views.program_partner_cap,
         name="program_partner_cap"),
]

urlpatterns += urls_documents.urlpatterns
