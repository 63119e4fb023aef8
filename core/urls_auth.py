"""The two_factor URLs (same names, namespace "two_factor"), with our enrolment and
backup-code views in place of the package's."""

from django.urls import path
from two_factor import views as two_factor_views

from core import views_auth

app_name = "two_factor"
urlpatterns = [
    path("account/login/", two_factor_views.LoginView.as_view(), name="login"),
    path("account/two_factor/setup/", views_auth.SetupView.as_view(), name="setup"),
    path("account/two_factor/qrcode/", two_factor_views.QRGeneratorView.as_view(), name="qr"),
    path("account/two_factor/setup/complete/", two_factor_views.SetupCompleteView.as_view(),
         name="setup_complete"),
    path("account/two_factor/backup/tokens/", views_auth.BackupTokensView.as_view(),
         name="backup_tokens"),
    path("account/two_factor/", two_factor_views.ProfileView.as_view(), name="profile"),
    path("account/two_factor/disable/", two_factor_views.DisableView.as_view(), name="disable"),
]
