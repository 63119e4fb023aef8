from django.urls import path

from payments import views, views_wires

app_name = "payments"
urlpatterns = [
    path("", views.disbursement_list, name="disbursement_list"),
    path("<uuid:pk>/", views.disbursement_detail, name="disbursement_detail"),
    path("<uuid:pk>/release/", views.disbursement_release, name="disbursement_release"),
    path("<uuid:pk>/record-manual/", views.disbursement_record_manual,
         name="disbursement_record_manual"),
    path("wires/", views_wires.wire_create, name="wire_create"),
    path("wires/<uuid:pk>/", views_wires.wire_detail, name="wire_detail"),
    path("wires/<uuid:pk>/record/", views_wires.wire_record, name="wire_record"),
    path("wires/<uuid:pk>/cancel/", views_wires.wire_cancel, name="wire_cancel"),
    path("reconciliation/", views.reconciliation, name="reconciliation"),
    path("partners/<int:pk>/stripe/", views.partner_stripe, name="partner_stripe"),
    # Under /payments/webhooks/: exempt from the second-factor middleware.
    path("webhooks/stripe/", views.stripe_webhook, name="stripe_webhook"),
]
