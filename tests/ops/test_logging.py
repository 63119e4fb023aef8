"""Logs an operator can act on: each line names the request, the user and the tenant, and
never a person."""

import io
import json
import logging
import logging.config

import pytest

from config.deploy import logging_config
from ops.logging import PersonalDataFilter, RequestContextFilter, scrub
from tests.helpers import sign_in


@pytest.fixture
def json_log():
    """The production handler (JSON, context and personal-data filters) on a buffer."""
    stream = io.StringIO()
    config = logging_config(json_logs=True, level="INFO")
    handler_config = config["handlers"]["console"]
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestContextFilter())
    handler.addFilter(PersonalDataFilter())
    formatter = config["formatters"]["json"]
    from pythonjsonlogger.json import JsonFormatter

    handler.setFormatter(JsonFormatter(formatter["fmt"], rename_fields=formatter["rename_fields"]))
    assert handler_config["filters"] == ["context", "personal_data"]
    root = logging.getLogger()
    root.addHandler(handler)
    old_level = root.level
    root.setLevel(logging.INFO)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    root.removeHandler(handler)
    root.setLevel(old_level)


def test_every_request_gets_an_id_in_its_answer_and_its_log_line(client, db, json_log):
    response = client.get("/status/?reference=CHI-2026-000012&given_names=Ximena")

    request_id = response["X-Request-ID"]
    assert len(request_id) == 32
    lines = [line for line in json_log() if line["logger"] == "ops.request"]
    assert lines[-1]["request_id"] == request_id
    assert lines[-1]["message"] == f"GET /status/ {response.status_code}"
    assert "Ximena" not in json.dumps(json_log())
    assert client.get("/status/")["X-Request-ID"] != request_id


def test_a_proxy_request_id_is_kept_and_a_forged_one_replaced(client, db):
    kept = client.get("/status/", HTTP_X_REQUEST_ID="lb-7f3a9c2e-0001")
    forged = client.get("/status/", HTTP_X_REQUEST_ID="x\r\nSet-Cookie: a=b")

    assert kept["X-Request-ID"] == "lb-7f3a9c2e-0001"
    assert forged["X-Request-ID"] != "x\r\nSet-Cookie: a=b"
    assert len(forged["X-Request-ID"]) == 32


def test_a_signed_in_request_logs_user_id_and_tenant_not_the_name(client, world, json_log):
    sign_in(client, world.officer_a)
    client.get("/beneficiaries/")

    line = [r for r in json_log() if r["logger"] == "ops.request"][-1]
    assert line["user_id"] == str(world.officer_a.pk)
    assert line["tenant"] == f"c{world.consulate_a.pk}"
    text = json.dumps(json_log())
    assert world.officer_a.username not in text
    assert world.officer_a.email not in text


def test_headquarters_roles_log_as_hq(client, world, json_log):
    sign_in(client, world.auditor)
    client.get("/beneficiaries/")

    assert [r for r in json_log() if r["logger"] == "ops.request"][-1]["tenant"] == "hq"


def test_outside_a_request_the_context_fields_are_dashes(json_log):
    logging.getLogger("ledger.services").warning("refused")

    line = json_log()[-1]
    assert (line["request_id"], line["user_id"], line["tenant"]) == ("-", "-", "-")
    assert line["level"] == "WARNING"


@pytest.mark.parametrize("text, kept, gone", [
    ("mail to maria.lopez@example.com failed", "mail to [email] failed", "maria.lopez"),
    ("GET /status/?reference=CHI-1&birth=1990-01-02 400", "GET /status/?[query] 400", "1990"),
    ("CURP LOAX900102HDFPRN09 duplicated", "CURP [curp] duplicated", "LOAX900102"),
    ("alien number A212345678 unknown", "alien number [a-number] unknown", "212345678"),
    ("sms to +52 55 1234 5678 failed", "sms to [phone] failed", "1234"),
    ("call (312) 555-0199 back", "call [phone] back", "555-0199"),
    ('DETAIL:  Key (curp)=(LOAX900102HDFPRN09) already exists.',
     "DETAIL:  Key (curp)=([redacted]) already exists.", "LOAX"),
])
def test_personal_data_is_scrubbed_from_messages(text, kept, gone):
    assert scrub(text) == kept
    assert gone not in scrub(text)


def test_ids_amounts_and_dates_survive_the_scrubber():
    text = "Transfer 42 authorize:8f14e45f-ceea-467f-a0f1-bd5f3c1a2b9e USD 1500.00 2026-01-15"
    assert scrub(text) == text


def test_an_exception_traceback_is_scrubbed(json_log):
    try:
        raise ValueError("no beneficiary with e-mail ana@example.org")
    except ValueError:
        logging.getLogger("core.services").exception("service failed for %s", "ana@example.org")

    line = json_log()[-1]
    assert "ana@example.org" not in json.dumps(line)
    assert "ValueError: no beneficiary with e-mail [email]" in line["exc_info"]
    assert line["message"] == "service failed for [email]"
