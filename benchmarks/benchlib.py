"""What the benchmarks share: client processes timed inside a fixed window, alternating rounds,
min/median/max, and the machine's load beside every figure. Standard library only, so a peer's
benchmark running in another virtualenv can use it too."""

import multiprocessing as mp
import os
import statistics
import time

WARMUP = 1.0  # seconds every client runs before the window opens


def load():
    """The machine's 1-minute load average (other jobs share it)."""
    return os.getloadavg()[0]


def _client(setup, op, tag, start, end, queue):
    try:
        state = setup(tag)
    except Exception:
        queue.put([])
        raise
    samples, i = [], 0
    while True:
        t0 = time.perf_counter()
        if t0 >= end:
            break
        ok = op(state, f"{tag}-{i}")
        t1 = time.perf_counter()
        # Only operations that both began and ended inside the window count.
        if t0 >= start and t1 <= end:
            samples.append((t1 - t0, bool(ok)))
        i += 1
    queue.put(samples)


def run_clients(n, setup, op, duration):
    """Fork n clients; each calls setup(tag) once, then op(state, key) until the window closes.

    op returns True when it committed, False when it was refused. Returns the committed and
    refused operations per second and latency percentiles (ms) over every counted operation.
    """
    ctx = mp.get_context("fork")
    queue = ctx.Queue()
    start = time.perf_counter() + WARMUP + 0.5
    end = start + duration
    procs = [ctx.Process(target=_client, args=(setup, op, f"c{n}-{i}-{time.time_ns()}",
                                               start, end, queue))
             for i in range(n)]
    for p in procs:
        p.start()
    # A client that died says nothing: wait no longer than the run could take.
    samples = [s for _ in procs for s in queue.get(timeout=WARMUP + duration + 120)]
    for p in procs:
        p.join()
    lat = sorted(s[0] * 1000 for s in samples)
    committed = sum(1 for s in samples if s[1])
    return {"tps": committed / duration, "refused": (len(samples) - committed) / duration,
            "p50": _pct(lat, 0.50), "p95": _pct(lat, 0.95), "p99": _pct(lat, 0.99),
            "load": load()}


def _pct(values, q):
    if not values:
        return float("nan")
    return values[min(len(values) - 1, int(len(values) * q))]


def spread(values):
    """min / median / max of a list of numbers."""
    return min(values), statistics.median(values), max(values)


def fmt_spread(values, digits=0):
    lo, mid, hi = spread(values)
    return f"{lo:.{digits}f} / {mid:.{digits}f} / {hi:.{digits}f}"


def alternate(rounds, sides):
    """Run every side once per round, alternating which goes first; {name: [result, ...]}.

    `sides` is a list of (name, zero-argument function). Prints each result with the load.
    """
    results = {name: [] for name, _fn in sides}
    for r in range(rounds):
        order = sides if r % 2 == 0 else list(reversed(sides))
        for name, fn in order:
            result = fn()
            results[name].append(result)
            print(f"    round {r + 1} {name}: {result['tps']:.0f}/s, p99"
                  f" {result.get('p99', float('nan')):.1f} ms, load {result['load']:.1f}",
                  flush=True)
    return results


def median_of(results, key):
    return statistics.median(r[key] for r in results)
