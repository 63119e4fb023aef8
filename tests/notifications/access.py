from core.models import MessageChannel
from notifications.services import message_to_person
from tests.access import UrlCase, expect
from tests.notifications.factories import case_context, reachable_person


def url_cases(world):
    person = reachable_person(world.consulate_a, channel=MessageChannel.SMS,
                              message_consent=False, number="+13125550199")
    row = message_to_person(beneficiary_or_contact=person, template="case_update",
                            context=case_context(person))
    return [
        UrlCase("notifications:problem_list",
                expect=expect(403, officer_a=200, officer_b=200, approver_a=200, admin=200)),
        # Retry is POST-only; Twilio's endpoints are anonymous and POST-only.
        UrlCase("notifications:retry", {"pk": row.pk}, expect(405)),
        UrlCase("notifications:twilio_inbound", expect=expect(405, anonymous=405)),
        UrlCase("notifications:twilio_status", {"pk": row.pk}, expect(405, anonymous=405)),
    ]
