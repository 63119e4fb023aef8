"""Twilio's side of the wire behind the official SDK (a `twilio.http.HttpClient`), never the
network. It keeps the messages Twilio accepted and answers the Messages list.

Faults are queued with `fail_next`:
    "500"             Twilio answers 500 without acting
    "timeout_before"  the connection drops before Twilio sees the request
    "timeout_after"   Twilio accepts the message, then the connection drops
    "400:21211"       Twilio refuses (invalid number; any code after the colon)

`FileFakeTwilio` keeps its messages in a JSON-lines file shared between processes (a real
worker and the test), and can hang after accepting a message so a test can kill the worker
between Twilio's answer and our commit.
"""

import fcntl
import json
import logging
import os
import threading
import time
import uuid
from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path
from urllib.parse import urlsplit

import requests
from twilio.http import HttpClient
from twilio.http.response import Response

ACCOUNT = "AC" + "0" * 32


class FakeTwilio(HttpClient):
    def __init__(self):
        super().__init__(logger=logging.getLogger("fake_twilio"), is_async=False)
        self.lock = threading.RLock()
        self.faults = []
        self.requests = []
        self._messages = []

    def fail_next(self, *faults):
        self.faults.extend(faults)

    @property
    def messages(self):
        return self._load()

    def request(self, method, uri, params=None, data=None, headers=None, auth=None,
                timeout=None, allow_redirects=False):
        path = urlsplit(uri).path
        self.requests.append((method, path, dict(data or {}), dict(params or {})))
        if not path.endswith("/Messages.json"):
            return self._json(404, {"code": 20404, "message": "not found", "status": 404})
        if method == "GET":
            return self._list(params or {})
        fault = self.faults.pop(0) if self.faults else None
        if fault == "timeout_before":
            raise requests.exceptions.ConnectTimeout("fake: no answer")
        if fault == "500":
            return self._json(500, {"code": 20500, "message": "internal", "status": 500})
        if fault and fault.startswith("400:"):
            code = int(fault.split(":")[1])
            return self._json(400, {"code": code, "message": "refused", "status": 400})
        message = self._create(data or {})
        self._after_create(message)
        if fault == "timeout_after":
            raise requests.exceptions.ReadTimeout("fake: accepted, then no answer")
        return self._json(201, message)

    def _create(self, data):
        with self.lock:
            sid = f"SM{uuid.uuid4().hex}"
            message = {
                "sid": sid, "account_sid": ACCOUNT, "to": data.get("To"),
                "from": data.get("From"), "body": data.get("Body"), "status": "queued",
                "status_callback": data.get("StatusCallback"),
                "date_created": format_datetime(datetime.now(UTC)), "date_sent": None,
                "num_segments": "1", "direction": "outbound-api", "error_code": None,
                "uri": f"/2010-04-01/Accounts/{ACCOUNT}/Messages/{sid}.json",
            }
            self._store(message)
            return message

    def _list(self, params):
        found = [m for m in self._load()
                 if m["to"] == params.get("To", m["to"])
                 and m["from"] == params.get("From", m["from"])]
        return self._json(200, {
            "messages": list(reversed(found)), "end": len(found), "first_page_uri": "",
            "next_page_uri": None, "page": 0, "page_size": 100, "previous_page_uri": None,
            "start": 0, "uri": "",
        })

    def _json(self, status, payload):
        return Response(status, json.dumps(payload))

    def _after_create(self, message):
        pass

    def _load(self):
        return list(self._messages)

    def _store(self, message):
        self._messages.append(message)


class FileFakeTwilio(FakeTwilio):
    """Shared by processes through FAKE_TWILIO_DIR: messages.jsonl holds what Twilio accepted;
    while the file `hang` exists, every accepted message is followed by a hang (the worker
    "dies" after Twilio acted and before the row is marked sent); while `hang_before` exists,
    the hang comes before Twilio sees the request."""

    def __init__(self):
        super().__init__()
        self.dir = Path(os.environ["FAKE_TWILIO_DIR"])

    def request(self, method, uri, *args, **kwargs):
        if method == "POST":
            self._hang_while("hang_before")
        return super().request(method, uri, *args, **kwargs)

    def _after_create(self, message):
        self._hang_while("hang")

    def _hang_while(self, name):
        if (self.dir / name).exists():
            (self.dir / f"{name}.reached").touch()
            while (self.dir / name).exists():
                time.sleep(0.05)

    def _load(self):
        path = self.dir / "messages.jsonl"
        if not path.exists():
            return []
        return [json.loads(line) for line in path.read_text().splitlines() if line]

    def _store(self, message):
        with open(self.dir / "messages.jsonl", "a") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            fh.write(json.dumps(message) + "\n")
            fh.flush()
            fcntl.flock(fh, fcntl.LOCK_UN)
