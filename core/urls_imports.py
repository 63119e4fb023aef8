from django.urls import path

from core import views_imports

urlpatterns = [
    path("imports/beneficiaries/", views_imports.beneficiary_import,
         name="beneficiary_import"),
    path("imports/bond-requests/", views_imports.bond_request_import,
         name="bond_request_import"),
    path("imports/sample/<slug:kind>.csv", views_imports.import_sample, name="import_sample"),
    path("imports/<int:pk>/", views_imports.import_job_detail, name="import_job_detail"),
    path("imports/<int:pk>/progress/", views_imports.import_job_progress,
         name="import_job_progress"),
    path("imports/<int:pk>/confirm/", views_imports.import_job_confirm_view,
         name="import_job_confirm"),
    path("statements/batches/<int:pk>/", views_imports.document_batch_detail,
         name="document_batch_detail"),
    path("statements/files/<int:pk>/", views_imports.document_batch_file,
         name="document_batch_file"),
]
