from django.urls import path

from ledger import urls_documents, views

app_name = "ledger"
urlpatterns = [
    path("reconciliation/", views.reconciliation, name="reconciliation"),
    path("accounts/<int:pk>/", views.account_statement, name="account_statement"),
]

urlpatterns += urls_documents.urlpatterns
