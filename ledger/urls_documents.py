from django.urls import path

from ledger import views_documents

urlpatterns = [
    path("reconciliation/statement.pdf", views_documents.reconciliation_pdf,
         name="reconciliation_pdf"),
    path("reconciliation/export.<str:fmt>", views_documents.reconciliation_export,
         name="reconciliation_export"),
    path("entries/export.<str:fmt>", views_documents.transfers_export,
         name="transfers_export"),
]
