from django.urls import path

from public import views

app_name = "public"
urlpatterns = [
    path("", views.lookup, name="lookup"),
    path("card/<int:pk>/", views.reference_card, name="reference_card"),
]
