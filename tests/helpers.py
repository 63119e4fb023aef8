"""Signing in as a persona, with a verified second factor where the role needs one."""

from django_otp import DEVICE_ID_SESSION_KEY

from tests.core.factories import give_second_factor


def sign_in(client, user):
    client.force_login(user)
    device = give_second_factor(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client
