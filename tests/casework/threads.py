"""Real concurrency on PostgreSQL: each call in its own thread, on its own connection."""

import threading

from django.db import connection
from django.utils import translation


def run_at_once(calls) -> list:
    """Run each call in its own thread, all released together by a barrier; return, in
    order, what each call returned or the exception it raised."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def worker(index, call):
        try:
            translation.activate("en")  # threads start in the default language
            barrier.wait()
            results[index] = call()
        except Exception as exc:  # noqa: BLE001 - the test inspects what each thread got
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def succeeded(results) -> list:
    return [r for r in results if not isinstance(r, Exception)]
