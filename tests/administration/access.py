"""Who may open each administration page: program administrators only; the invitation
link is open to anyone holding it."""

from tests.access import UrlCase, expect

ADMIN_ONLY = dict(admin=200)


def url_cases(world):
    user = world.officer_a
    membership = user.memberships.first()
    post_only = expect(405, anonymous=405)
    return [
        UrlCase("administration:index", expect=expect(403, **ADMIN_ONLY)),
        UrlCase("administration:partner_list", expect=expect(403, **ADMIN_ONLY)),
        UrlCase("administration:partner_create", expect=expect(403, **ADMIN_ONLY)),
        UrlCase("administration:partner_edit", kwargs={"pk": world.partner_x.pk},
                expect=expect(403, **ADMIN_ONLY)),
        UrlCase("administration:consulate_list", expect=expect(403, **ADMIN_ONLY)),
        UrlCase("administration:consulate_create", expect=expect(403, **ADMIN_ONLY)),
        UrlCase("administration:consulate_edit", kwargs={"pk": world.consulate_a.pk},
                expect=expect(403, **ADMIN_ONLY)),
        UrlCase("administration:user_list", expect=expect(403, **ADMIN_ONLY)),
        UrlCase("administration:user_list", query="?q=officer",
                expect=expect(403, **ADMIN_ONLY)),
        UrlCase("administration:user_invite", expect=expect(403, **ADMIN_ONLY)),
        UrlCase("administration:user_detail", kwargs={"pk": user.pk},
                expect=expect(403, **ADMIN_ONLY)),
        UrlCase("administration:membership_remove",
                kwargs={"pk": user.pk, "membership_pk": membership.pk}, expect=post_only),
        UrlCase("administration:user_deactivate", kwargs={"pk": user.pk}, expect=post_only),
        UrlCase("administration:user_reactivate", kwargs={"pk": user.pk}, expect=post_only),
        UrlCase("administration:invitation_resend", kwargs={"pk": user.pk}, expect=post_only),
        UrlCase("administration:invitation_accept", kwargs={"token": "not-a-real-token"},
                expect=expect(200, anonymous=200)),
    ]
