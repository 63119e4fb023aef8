from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from core import (
    urls_imports,
    views,
    views_auth,
    views_documents,
    views_messaging,
    views_people,
)

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("language/", views.set_language, name="set_language"),
    path(
        "password_reset/",
        views_auth.PasswordResetView.as_view(),
        name="password_reset",
    ),
    path("password_reset/done/", auth_views.PasswordResetDoneView.as_view(),
         name="password_reset_done"),
    path(
        "reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            success_url=reverse_lazy("core:password_reset_complete"),
        ),
        name="password_reset_confirm",
    ),
    path("reset/done/", auth_views.PasswordResetCompleteView.as_view(),
         name="password_reset_complete"),
    path("beneficiaries/", views.beneficiary_list, name="beneficiary_list"),
    path("beneficiaries/new/", views.beneficiary_create, name="beneficiary_create"),
    path("beneficiaries/merge/", views.beneficiary_merge, name="beneficiary_merge"),
    path("beneficiaries/<int:pk>/", views.beneficiary_detail, name="beneficiary_detail"),
    path("beneficiaries/<int:pk>/edit/", views.beneficiary_edit, name="beneficiary_edit"),
    path("beneficiaries/<int:pk>/contacts/new/", views.family_contact_create,
         name="family_contact_create"),
    path("beneficiaries/<int:pk>/contacts/<int:contact_pk>/delete/",
         views.family_contact_delete, name="family_contact_delete"),
    path("beneficiaries/<int:pk>/contacts/<int:contact_pk>/edit/",
         views_messaging.family_contact_edit, name="family_contact_edit"),
    path("beneficiaries/<int:pk>/messages/resume/", views_messaging.messages_resume,
         name="messages_resume"),
    path("beneficiaries/<int:pk>/contacts/<int:contact_pk>/messages/resume/",
         views_messaging.messages_resume, name="contact_messages_resume"),
    path("beneficiaries/<int:pk>/location/", views_people.location_record,
         name="location_record"),
    path("beneficiaries/<int:pk>/services/new/", views_people.service_record,
         name="service_record"),
    path("beneficiaries/merges/<int:merge_pk>/undo/", views_people.merge_undo,
         name="merge_undo"),
    path("beneficiaries/duplicates/", views_people.duplicate_queue, name="duplicate_queue"),
    path("beneficiaries/duplicates/<int:review_pk>/dismiss/", views_people.duplicate_dismiss,
         name="duplicate_dismiss"),
    path("audit/", views.audit_list, name="audit_list"),
    path("charts/", views.charts, name="charts"),
    path("documents/verify/", views_documents.document_verify_view, name="document_verify"),
]

urlpatterns += urls_imports.urlpatterns
