from django.urls import path

from public import views

app_name = "public"
urlpatterns = [
    # Public: the family lookup, open to everybody by its name "public:lookup".
    path("status/", views.lookup, name="lookup"),
    path("status/notify/", views.subscribe, name="subscribe"),
    # Staff only: a beneficiary's reference card lives with the beneficiary's pages.
    path("beneficiaries/<int:pk>/reference-card/", views.reference_card,
         name="reference_card"),
]
