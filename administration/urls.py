from django.urls import path

from administration import views

app_name = "administration"
urlpatterns = [
    path("", views.index, name="index"),
    path("partners/", views.partner_list, name="partner_list"),
    path("partners/new/", views.partner_create, name="partner_create"),
    path("partners/<int:pk>/", views.partner_edit, name="partner_edit"),
    path("consulates/", views.consulate_list, name="consulate_list"),
    path("consulates/new/", views.consulate_create, name="consulate_create"),
    path("consulates/<int:pk>/", views.consulate_edit, name="consulate_edit"),
    path("users/", views.user_list, name="user_list"),
    path("users/invite/", views.user_invite, name="user_invite"),
    path("users/<int:pk>/", views.user_detail, name="user_detail"),
    path("users/<int:pk>/roles/<int:membership_pk>/remove/", views.membership_remove,
         name="membership_remove"),
    path("users/<int:pk>/deactivate/", views.user_deactivate, name="user_deactivate"),
    path("users/<int:pk>/reactivate/", views.user_reactivate, name="user_reactivate"),
    path("users/<int:pk>/invitation/", views.invitation_resend, name="invitation_resend"),
    path("invitation/<str:token>/", views.invitation_accept, name="invitation_accept"),
]
