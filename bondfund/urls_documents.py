from django.urls import path

from bondfund import views_documents

urlpatterns = [
    path("<int:pk>/authorization.pdf", views_documents.authorization_pdf,
         name="authorization_pdf"),
    path("<int:pk>/voucher.pdf", views_documents.voucher_pdf, name="voucher_pdf"),
    path("export.<str:fmt>", views_documents.requests_export, name="requests_export"),
    path("releases/import/", views_documents.release_import, name="release_import"),
]
