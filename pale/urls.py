from django.urls import path

from pale import views, views_invoices, views_reports

app_name = "pale"

urlpatterns = [
    path("contracts/", views.contract_list, name="contract_list"),
    path("contracts/new/", views.contract_create, name="contract_create"),
    path("contracts/<int:pk>/", views.contract_detail, name="contract_detail"),
    path("referrals/", views.referral_list, name="referral_list"),
    path("referrals/new/", views.referral_create, name="referral_create"),
    path("referrals/<int:pk>/", views.referral_detail, name="referral_detail"),
    path("referrals/<int:pk>/accept/", views.referral_accept, name="referral_accept"),
    path("referrals/<int:pk>/decline/", views.referral_decline, name="referral_decline"),
    path("referrals/<int:pk>/redirect/", views.referral_redirect, name="referral_redirect"),
    path("referrals/<int:pk>/sessions/", views.session_add, name="session_add"),
    path("referrals/<int:pk>/milestones/", views.milestone_add, name="milestone_add"),
    path("milestones/<int:pk>/bond-request/", views.hearing_bond, name="hearing_bond"),
    path("invoices/", views_invoices.invoice_list, name="invoice_list"),
    path("invoices/new/", views_invoices.invoice_create, name="invoice_create"),
    path("invoices/<int:pk>/", views_invoices.invoice_detail, name="invoice_detail"),
    path("invoices/<int:pk>/approve/", views_invoices.invoice_approve, name="invoice_approve"),
    path("invoices/<int:pk>/reject/", views_invoices.invoice_reject, name="invoice_reject"),
    path("accountability/", views_reports.accountability, name="accountability"),
    path("report/", views_reports.report, name="report"),
    path("report/export/", views_reports.report_export, name="report_export"),
]
