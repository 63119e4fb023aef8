from django.urls import path

from bondfund import urls_documents, views

app_name = "bondfund"
urlpatterns = [
    path("", views.request_list, name="request_list"),
    path("new/", views.request_create, name="request_create"),
    path("approvals/", views.approval_queue, name="approval_queue"),
    path("refunds-due/", views.refunds_due, name="refunds_due"),
    path("programs/", views.program_list, name="program_list"),
    path("programs/new/", views.program_create, name="program_create"),
    path("programs/<int:pk>/", views.program_detail, name="program_detail"),
    path("programs/<int:pk>/budget/<slug:kind>/", views.program_budget, name="program_budget"),
    path("<int:pk>/", views.request_detail, name="request_detail"),
    path("<int:pk>/edit/", views.request_edit, name="request_edit"),
    path("<int:pk>/documents/", views.document_upload, name="document_upload"),
    path("<int:pk>/documents/<int:document_pk>/", views.document_download,
         name="document_download"),
    path("<int:pk>/do/<slug:action>/", views.request_action, name="request_action"),
]

urlpatterns += urls_documents.urlpatterns
