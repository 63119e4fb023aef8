"""Who may open each core page."""

from core.models import FamilyContact
from tests.access import LOGIN, UrlCase, consulate_a_page, expect

STAFF_READERS = dict(officer_a=200, officer_b=200, approver_a=200, admin=200, auditor=200)
EVERYONE = dict(officer_a=200, officer_b=200, approver_a=200, partner_x=200, partner_y=200,
                admin=200, auditor=200)


def url_cases(world):
    ben = world.ben_a
    contact = FamilyContact.objects.create(beneficiary=ben, name="Rosa Quintero",
                                           relationship="mother")
    # consulate_a_page() cannot override its own keys (a TypeError), so adjust the table.
    writer_page = {**consulate_a_page(), "approver_a": 403, "auditor": 403}
    stopped = FamilyContact.objects.create(beneficiary=ben, name="Luis Quintero",
                                           relationship="brother",
                                           messages_opted_out_at=ben.created_at)
    return [
        UrlCase("core:home", expect=expect(200)),
        UrlCase("core:logout", expect=expect(405, anonymous=405)),
        UrlCase("core:set_language", expect=expect(405, anonymous=405)),
        UrlCase("core:password_reset", expect=expect(200, anonymous=200)),
        UrlCase("core:password_reset_done", expect=expect(200, anonymous=200)),
        UrlCase("core:password_reset_confirm", kwargs={"uidb64": "MQ", "token": "bad-token"},
                expect=expect(200, anonymous=200)),
        UrlCase("core:password_reset_complete", expect=expect(200, anonymous=200)),
        UrlCase("core:beneficiary_list", expect=expect(403, **STAFF_READERS)),
        UrlCase("core:beneficiary_list", query="?q=Alvarado",
                expect=expect(403, **STAFF_READERS)),
        UrlCase("core:beneficiary_create",
                expect=expect(403, officer_a=200, officer_b=200, admin=200)),
        UrlCase("core:beneficiary_detail", kwargs={"pk": ben.pk}, expect=consulate_a_page()),
        UrlCase("core:beneficiary_edit", kwargs={"pk": ben.pk}, expect=writer_page),
        UrlCase("core:family_contact_create", kwargs={"pk": ben.pk}, expect=writer_page),
        # POST-only: a GET changes nothing, whoever asks.
        UrlCase("core:family_contact_delete", kwargs={"pk": ben.pk, "contact_pk": contact.pk},
                expect=expect(405, anonymous=405)),
        UrlCase("core:family_contact_edit", kwargs={"pk": ben.pk, "contact_pk": contact.pk},
                expect=writer_page),
        # Nothing to resume for a person who never said STOP: back to their page.
        UrlCase("core:messages_resume", kwargs={"pk": ben.pk},
                expect={**writer_page, "officer_a": 302, "admin": 302}),
        UrlCase("core:contact_messages_resume",
                kwargs={"pk": ben.pk, "contact_pk": stopped.pk}, expect=writer_page),
        UrlCase("core:beneficiary_merge", expect=expect(403, admin=200)),
        UrlCase("core:beneficiary_merge",
                query=f"?survivor={world.ben_a.reference}&duplicate={world.ben_b.reference}",
                expect=expect(403, admin=200)),
        UrlCase("core:location_record", kwargs={"pk": ben.pk}, expect=writer_page),
        UrlCase("core:service_record", kwargs={"pk": ben.pk}, expect=writer_page),
        # POST-only: a GET changes nothing, whoever asks.
        UrlCase("core:merge_undo", kwargs={"merge_pk": 1}, expect=expect(405, anonymous=405)),
        UrlCase("core:duplicate_queue", expect=expect(403, admin=200)),
        UrlCase("core:duplicate_dismiss", kwargs={"review_pk": 1},
                expect=expect(405, anonymous=405)),
        UrlCase("core:audit_list", expect=expect(403, admin=200, auditor=200)),
        UrlCase("core:charts", expect=expect(403, admin=200)),
        UrlCase("core:document_verify", expect=expect(200, **EVERYONE)),
    ]


__all__ = ["url_cases", "LOGIN"]
