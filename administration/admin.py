from django.contrib import admin

from administration.models import Invitation
from core.admin import ReadOnlyAdmin


@admin.register(Invitation)
class InvitationAdmin(ReadOnlyAdmin):
    """Invitations are sent and accepted in the application (/administration/users/)."""

    list_display = ("user", "status", "created_at", "expires_at", "invited_by")
    list_filter = ("status",)
    search_fields = ("user__username", "user__email")
    list_select_related = ("user", "invited_by")
    exclude = ("token_hash",)
