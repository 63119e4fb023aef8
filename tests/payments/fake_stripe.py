"""Stripe's side of the wire, in memory, behind the official SDK (a `stripe.HTTPClient`).

It keeps the transfers Stripe made and honours Idempotency-Key as Stripe does: the same key
with the same parameters replays the first response; the same key with other parameters is a
400 idempotency_error. Faults are queued per endpoint:

    "timeout_after"  Stripe acts, then the connection drops (the SDK's APIConnectionError)
    "timeout_before" the connection drops before Stripe sees the request
    "500"            Stripe answers 500 without acting
    "409"            Stripe answers 409 lock_timeout without acting
    "refuse"         Stripe answers 400 balance_insufficient (a refusal, not worth retrying)

Response bodies start from Stripe's own example objects (fixtures3.json).
"""

import copy
import itertools
import json
import threading
import time
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import stripe

FIXTURES = json.loads(Path("/work/shared/stripe/fixtures3.json").read_text())["resources"]


def _decode(pairs):
    """a[b][c]=1 -> {"a": {"b": {"c": "1"}}}, as Stripe's form encoding nests."""
    out = {}
    for raw_key, value in pairs:
        parts = raw_key.replace("]", "").split("[")
        node = out
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = value
    return out


class FakeStripe(stripe.HTTPClient):
    name = "fake"

    def __init__(self, *, page_size=100):
        super().__init__()
        self.lock = threading.RLock()
        self.page_size = page_size
        self.transfers = {}
        self.accounts = {}
        self.idempotency = {}
        self.faults = {}
        self.calls = []
        self.now = int(time.time())
        self._ids = itertools.count(1)

    # --- what tests use ---------------------------------------------------------------------

    def fail_next(self, method, path, *faults):
        with self.lock:
            self.faults.setdefault((method, path), []).extend(faults)

    def transfer_posts(self):
        return [c for c in self.calls if c[:2] == ("post", "/v1/transfers")]

    def reverse(self, transfer_id):
        with self.lock:
            transfer = self.transfers[transfer_id]
            transfer["reversed"] = True
            transfer["amount_reversed"] = transfer["amount"]
            reversal = copy.deepcopy(FIXTURES["transfer_reversal"])
            reversal.update(id=f"trr_fake{next(self._ids):06d}", amount=transfer["amount"],
                            currency=transfer["currency"], transfer=transfer_id,
                            created=self.now)
            transfer["reversals"]["data"].append(reversal)
            return copy.deepcopy(transfer)

    def add_transfer(self, *, amount, currency="usd", metadata=None, created=None,
                     destination="acct_unknown", transfer_group=None):
        """A transfer made at Stripe by someone else (the dashboard, another system)."""
        with self.lock:
            return copy.deepcopy(self._transfer_make({
                "amount": str(amount), "currency": currency, "destination": destination,
                "metadata": metadata or {}, "transfer_group": transfer_group,
            }, created=created))

    def event(self, type, obj, *, account=None, created=None):
        event = copy.deepcopy(FIXTURES["event"])
        event.update(id=f"evt_fake{next(self._ids):06d}", type=type,
                     created=created or self.now, data={"object": copy.deepcopy(obj)})
        if account:
            event["account"] = account
        return event

    # --- the HTTP side ----------------------------------------------------------------------

    def request(self, method, url, headers, post_data=None):
        parts = urlsplit(url)
        path = parts.path
        if isinstance(post_data, bytes):
            post_data = post_data.decode()
        params = _decode(parse_qsl(post_data if method == "post" else parts.query,
                                   keep_blank_values=True))
        key = (headers or {}).get("Idempotency-Key")
        with self.lock:
            self.calls.append((method, path, key, params))
            fault = self._fault(method, path)
            if fault == "timeout_before":
                raise stripe.APIConnectionError("Request timed out", should_retry=True)
            if fault == "500":
                return self._error(500, "api_error", "An unknown error occurred")
            if fault == "refuse":
                return self._error(400, "invalid_request_error", "Insufficient funds in "
                                   "Stripe account.", code="balance_insufficient")
            if fault == "409":
                return self._error(409, "invalid_request_error", "lock_timeout",
                                   code="lock_timeout")
            if method == "post" and key in self.idempotency:
                response = self._replay(key, path, params)
            else:
                response = self._dispatch(method, path, params)
                if method == "post" and key:
                    self.idempotency[key] = ((path, params), response)
        if fault == "timeout_after":
            raise stripe.APIConnectionError("Request timed out after Stripe acted",
                                            should_retry=True)
        return response

    def _replay(self, key, path, params):
        first_params, response = self.idempotency[key]
        if first_params != (path, params):
            return self._error(400, "idempotency_error", "Keys for idempotent requests can "
                               "only be used with the same parameters they were first used "
                               "with.")
        body, status, rheaders = response
        return body, status, {**rheaders, "idempotent-replayed": "true"}

    def request_stream(self, method, url, headers, post_data=None):
        raise NotImplementedError

    def close(self):
        pass

    def _fault(self, method, path):
        queue = self.faults.get((method, path))
        return queue.pop(0) if queue else None

    def _ok(self, obj, status=200):
        return json.dumps(obj), status, {"request-id": f"req_fake{next(self._ids):06d}"}

    def _error(self, status, type, message, code=None):
        error = {"type": type, "message": message}
        if code:
            error["code"] = code
        return json.dumps({"error": error}), status, {"request-id": "req_fake_error"}

    def _dispatch(self, method, path, params):
        if (method, path) == ("post", "/v1/transfers"):
            return self._ok(copy.deepcopy(self._transfer_make(params)))
        if (method, path) == ("get", "/v1/transfers"):
            return self._list(self._transfers_matching(params), params, path)
        if (method, path) == ("get", "/v1/balance_transactions"):
            return self._list(self._balance_matching(params), params, path)
        if (method, path) == ("post", "/v1/accounts"):
            account = copy.deepcopy(FIXTURES["account"])
            account.update(id=f"acct_fake{next(self._ids):06d}", type="express",
                           payouts_enabled=False, charges_enabled=False,
                           details_submitted=False, metadata=params.get("metadata", {}),
                           email=params.get("email"))
            self.accounts[account["id"]] = account
            return self._ok(account)
        if method == "get" and path.startswith("/v1/accounts/"):
            account = self.accounts.get(path.rsplit("/", 1)[1])
            if account is None:
                return self._error(404, "invalid_request_error", "No such account")
            return self._ok(account)
        if (method, path) == ("post", "/v1/account_links"):
            link = copy.deepcopy(FIXTURES["account_link"])
            link.update(created=self.now, expires_at=self.now + 300,
                        url=f"https://connect.stripe.com/setup/e/{params['account']}/fake")
            return self._ok(link)
        return self._error(404, "invalid_request_error", f"Unrecognized request URL {path}")

    def _transfer_make(self, params, created=None):
        transfer = copy.deepcopy(FIXTURES["transfer"])
        n = next(self._ids)
        transfer.update(
            id=f"tr_fake{n:06d}", amount=int(params["amount"]), currency=params["currency"],
            destination=params["destination"], metadata=params.get("metadata", {}),
            transfer_group=params.get("transfer_group"), created=created or self.now,
            balance_transaction=f"txn_fake{n:06d}", description=params.get("description"),
        )
        transfer["reversals"]["url"] = f"/v1/transfers/{transfer['id']}/reversals"
        self.transfers[transfer["id"]] = transfer
        return transfer

    def _in_created(self, obj, params):
        created = params.get("created") or {}
        return (int(created.get("gte", 0)) <= obj["created"]
                and obj["created"] < int(created.get("lt", 2**62)))

    def _transfers_matching(self, params):
        group = params.get("transfer_group")
        return [t for t in self.transfers.values()
                if (group is None or t["transfer_group"] == group) and self._in_created(t, params)]

    def _balance_matching(self, params):
        rows = []
        for t in self.transfers.values():
            txn = copy.deepcopy(FIXTURES["balance_transaction"])
            txn.update(id=t["balance_transaction"], amount=-t["amount"], net=-t["amount"],
                       currency=t["currency"], source=t["id"], type="transfer",
                       reporting_category="transfer", created=t["created"],
                       description=None)
            if self._in_created(txn, params):
                rows.append(txn)
        return rows

    def _list(self, rows, params, path):
        rows = sorted(rows, key=lambda r: (r["created"], r["id"]), reverse=True)
        if params.get("starting_after"):
            ids = [r["id"] for r in rows]
            rows = rows[ids.index(params["starting_after"]) + 1:]
        limit = min(int(params.get("limit", 10)), self.page_size)
        page = rows[:limit]
        return self._ok({"object": "list", "url": path, "data": page,
                         "has_more": len(rows) > limit})
