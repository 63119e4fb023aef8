from django.urls import path

from notifications import views

app_name = "notifications"

urlpatterns = [
    path("problems/", views.problem_list, name="problem_list"),
    path("<int:pk>/retry/", views.notification_retry, name="retry"),
    # Called by Twilio (anonymous, signature-checked).
    path("twilio/inbound/", views.twilio_inbound, name="twilio_inbound"),
    path("twilio/status/<int:pk>/", views.twilio_status, name="twilio_status"),
]
