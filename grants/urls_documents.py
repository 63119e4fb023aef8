from django.urls import path

from grants import views_documents

urlpatterns = [
    path("<int:pk>/award.pdf", views_documents.award_pdf, name="award_pdf"),
    path("export.<str:fmt>", views_documents.applications_export, name="applications_export"),
]
