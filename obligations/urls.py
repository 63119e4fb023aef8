from django.urls import path

from obligations import views, views_bond_end

app_name = "obligations"

urlpatterns = [
    path("", views.appearance_list, name="list"),
    path("import/", views.appearance_import, name="import"),
    path("bonds/<int:pk>/", views.bond_obligations, name="bond"),
    path("bonds/<int:pk>/new/", views.appearance_create, name="create"),
    path("<int:pk>/move/", views.appearance_move, name="move"),
    path("<int:pk>/cancel/", views.appearance_cancel, name="cancel"),
    path("<int:pk>/outcome/", views.appearance_outcome, name="outcome"),
    path("bonds/<int:pk>/refund-letter/", views.refund_letter, name="refund_letter"),
    path("risks/<int:pk>/resolve/", views.risk_resolve, name="risk_resolve"),
    path("refunds/", views_bond_end.refunds_owed, name="refunds"),
    path("refunds/export.csv", views_bond_end.refunds_owed_csv, name="refunds_csv"),
    path("bonds/<int:pk>/refund/", views_bond_end.refund_record, name="refund"),
    path("bonds/<int:pk>/appeal/", views_bond_end.appeal_file, name="appeal_file"),
    path("bonds/<int:pk>/appeal/decision/", views_bond_end.appeal_decide,
         name="appeal_decide"),
    path("bonds/<int:pk>/stay/", views_bond_end.stay_outcome, name="stay_outcome"),
    path("bonds/<int:pk>/received/", views_bond_end.receipt_record, name="receipt"),
]
