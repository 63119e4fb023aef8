from django.urls import path

from obligations import views

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
]
