"""Webhook endpoint latency under load, beside a bare FastAPI endpoint in the same run.

Three uvicorn servers on 127.0.0.1, each in its own process: the real app
(``bot.app.web.create_app`` with an in-memory claim and enqueue), a bare FastAPI
``POST /webhook`` that returns 202 without reading anything, and one that reads the body
first (what receiving 28 KB costs). ``--concurrency`` clients (an httpx.AsyncClient each, one
connection) send ``--deliveries`` signed copies of a recorded ``pull_request.opened``
delivery (28 KB, each with its own ``X-GitHub-Delivery``, signed before timing starts), the
three sides interleaved for ``--rounds`` rounds after a warm-up, then ``--sequential``
requests one at a time, then ``--rate`` deliveries a second arriving on a clock (an open
loop, as GitHub sends; latency counted from each one's due time). It prints p50/p90/p99/max
and the server's CPU per request for each side and the ratios, checks the app accepted every
delivery (its ``/metrics``), and writes JSON to ``bench/out/``.

Goal: app p99 ≤ 50 ms and ≤ 2x the bare endpoint's p99. With N requests always in flight
(the closed loop), mean latency = N / throughput (Little's law): 100 clients under 50 ms need
2,000 requests a second from client and server together.

    .venv/bin/python bench/webhook_load.py [--deliveries 1000] [--concurrency 100]
        [--rounds 3] [--rate 200] [--sequential 200] [--warmup 200]

Loopback only; every loop is bounded; the servers are stopped in ``finally``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import re
import socket
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
from fastapi import FastAPI, Request, Response

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

OUT = Path(__file__).parent / "out"
PAYLOAD = REPO / "tests" / "samples" / "payloads" / "pull_request" / "opened.payload.json"
SECRET = "bench-webhook-secret-0123456789abcdef"
HOST = "127.0.0.1"
GOAL_P99_S = 0.050
GOAL_RATIO = 2.0
# bare: 202 without reading the body; read: reads the body, then 202; app: the real endpoint
SIDES = ("bare", "read", "app")


# --- servers (child processes) ----------------------------------------------------------------


def serve(kind: str, port: int) -> None:
    import uvicorn

    if kind in SIDES[:2]:
        app = FastAPI()
        read_body = kind == "read"

        @app.post("/webhook")
        async def webhook(request: Request) -> Response:
            if read_body:
                await request.body()
            return Response(status_code=202)

        @app.get("/healthz")
        async def healthz() -> dict[str, str]:
            return {"status": "ok"}

    else:
        import threading

        from bot.app.jobs import Command
        from bot.app.settings import Settings
        from bot.app.web import create_app

        lock = threading.Lock()
        claimed: set[str] = set()
        queued: list[tuple[str, list[Command]]] = []

        def claim(delivery_id: str) -> bool:
            with lock:
                if delivery_id in claimed:
                    return False
                claimed.add(delivery_id)
                return True

        def release(delivery_id: str) -> None:
            with lock:
                claimed.discard(delivery_id)

        def enqueue(delivery_id: str, commands: list[Command]) -> None:
            with lock:
                queued.append((delivery_id, commands))

        settings = Settings(webhook_secret=SECRET, data_dir=Path("/nonexistent/deepcheck-bench"))
        app = create_app(settings, enqueue=enqueue, claim_delivery=claim, release_delivery=release)
    uvicorn.run(app, host=HOST, port=port, log_level="warning", access_log=False)


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a process (Linux /proc): less disturbed by other load than wall time."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
        return port


def start(kind: str) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    process = subprocess.Popen([sys.executable, __file__, "--serve", kind, "--port", str(port)])
    url = f"http://{HOST}:{port}"
    for _ in range(200):  # up to 20 s
        if process.poll() is not None:
            raise SystemExit(f"{kind} server exited with {process.returncode}")
        try:
            if httpx.get(f"{url}/healthz", timeout=1.0).status_code == 200:
                return process, url
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    process.kill()
    raise SystemExit(f"{kind} server did not start on {url}")


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


# --- client -----------------------------------------------------------------------------------


def signed_requests(count: int) -> tuple[bytes, list[dict[str, str]]]:
    from bot.app.events import sign

    if not PAYLOAD.is_file():
        raise SystemExit(f"recorded delivery missing: {PAYLOAD}")
    body = PAYLOAD.read_bytes()
    signature = sign(SECRET.encode(), body)
    headers = [
        {
            "X-GitHub-Event": "pull_request",
            "X-GitHub-Delivery": str(uuid.uuid4()),
            "X-Hub-Signature-256": signature,
            "Content-Type": "application/json",
        }
        for _ in range(count)
    ]
    return body, headers


async def load(
    url: str, body: bytes, headers: list[dict[str, str]], concurrency: int, rate: float = 0.0
) -> Any:
    """Latencies (s) of every request from ``concurrency`` clients; wall time; status counts.

    ``rate`` 0 is a closed loop: each client sends its next request when the last one is
    answered. A ``rate`` > 0 is an open loop, as GitHub sends: request i is due at i / rate
    seconds, and its latency counts from then (waiting for a free client included).

    Each client is its own ``httpx.AsyncClient`` with one keep-alive connection, as GitHub's
    senders are independent: one shared pool of 100 connections spends more CPU in the
    client's pool bookkeeping than the server spends answering.
    """
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    next_index = 0
    limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
    # built before the clock starts: an AsyncClient costs milliseconds of CPU to create
    clients = [
        httpx.AsyncClient(base_url=url, limits=limits, timeout=30.0, verify=False)
        for _ in range(concurrency)
    ]

    async def client_loop(client: httpx.AsyncClient) -> None:
        nonlocal next_index
        while next_index < len(headers):  # bounded: each pass takes one index
            index = next_index
            next_index += 1
            started = time.perf_counter()
            if rate:
                due = origin + index / rate
                if due > started:
                    await asyncio.sleep(due - started)
                started = due
            response = await client.post("/webhook", content=body, headers=headers[index])
            latencies.append(time.perf_counter() - started)
            statuses[response.status_code] = statuses.get(response.status_code, 0) + 1

    origin = time.perf_counter()
    try:
        started = time.perf_counter()
        await asyncio.gather(*(client_loop(client) for client in clients))
        wall = time.perf_counter() - started
    finally:
        for client in clients:
            await client.aclose()
    return latencies, wall, statuses


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered)) - 1))]


def summary(latencies: list[float], wall: float) -> dict[str, float]:
    return {
        "p50_ms": 1000 * percentile(latencies, 50),
        "p90_ms": 1000 * percentile(latencies, 90),
        "p99_ms": 1000 * percentile(latencies, 99),
        "max_ms": 1000 * max(latencies),
        "mean_ms": 1000 * statistics.fmean(latencies),
        "requests_per_s": len(latencies) / wall,
    }


def accepted(url: str) -> int:
    text = httpx.get(f"{url}/metrics", timeout=5.0).text
    found = re.search(
        r'deepcheck_webhook_deliveries_total\{event="pull_request",outcome="accepted"\} (\d+)', text
    )
    return int(found.group(1)) if found else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deliveries", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--warmup", type=int, default=200)
    parser.add_argument(
        "--rate", type=float, default=200.0, help="open-loop deliveries per second (0: skip)"
    )
    parser.add_argument("--sequential", type=int, default=200, help="requests at concurrency 1")
    parser.add_argument("--serve", choices=SIDES, help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve, args.port)
        return 0

    servers = {}
    try:
        for kind in SIDES:
            servers[kind] = start(kind)
        sent = dict.fromkeys(SIDES, 0)
        results: dict[str, list[dict[str, Any]]] = {kind: [] for kind in SIDES}
        for round_number in range(args.rounds + 1):  # round 0 warms both up
            count = args.warmup if round_number == 0 else args.deliveries
            for kind in SIDES:
                body, headers = signed_requests(count)
                cpu_before = cpu_seconds(servers[kind][0].pid)
                latencies, wall, statuses = asyncio.run(
                    load(servers[kind][1], body, headers, args.concurrency)
                )
                cpu_ms = 1000 * (cpu_seconds(servers[kind][0].pid) - cpu_before) / count
                sent[kind] += count
                expected = 202
                if statuses != {expected: count}:
                    raise SystemExit(f"{kind}: unexpected statuses {statuses}")
                if round_number:
                    results[kind].append(
                        {**summary(latencies, wall), "server_cpu_ms": cpu_ms, "statuses": statuses}
                    )
        # the same request one at a time: service time without queueing behind 99 others
        sequential: dict[str, dict[str, float]] = {}
        for kind in SIDES:
            body, headers = signed_requests(args.sequential)
            latencies, wall, statuses = asyncio.run(load(servers[kind][1], body, headers, 1))
            sent[kind] += args.sequential
            sequential[kind] = summary(latencies, wall)
        # open loop at --rate: deliveries arrive on a clock, as GitHub sends them
        open_loop: dict[str, dict[str, float]] = {}
        for kind in SIDES if args.rate else ():
            body, headers = signed_requests(args.deliveries)
            latencies, wall, statuses = asyncio.run(
                load(servers[kind][1], body, headers, args.concurrency, args.rate)
            )
            sent[kind] += args.deliveries
            open_loop[kind] = summary(latencies, wall)
        enqueued = accepted(servers["app"][1])
        if enqueued != sent["app"]:
            raise SystemExit(f"app accepted {enqueued} of {sent['app']} deliveries")
    finally:
        for process, _ in servers.values():
            stop(process)

    report = {
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "deliveries": args.deliveries,
        "concurrency": args.concurrency,
        "rounds": args.rounds,
        "body_bytes": len(PAYLOAD.read_bytes()),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "load_average": os.getloadavg(),
        **results,
        "sequential": sequential,
        "open_loop": {"rate": args.rate, **open_loop},
        "enqueued": enqueued,
    }
    print(f"{args.deliveries} signed deliveries x {args.rounds} rounds, {args.concurrency} clients")
    print(
        f"{'round':>5} {'side':>5} {'p50 ms':>8} {'p90 ms':>8} {'p99 ms':>8}"
        f" {'max ms':>8} {'req/s':>7} {'srv cpu ms/req':>14}"
    )
    for index in range(args.rounds):
        for kind in SIDES:
            row = results[kind][index]
            print(
                f"{index + 1:>5} {kind:>5} {row['p50_ms']:8.1f} {row['p90_ms']:8.1f}"
                f" {row['p99_ms']:8.1f} {row['max_ms']:8.1f} {row['requests_per_s']:7.0f}"
                f" {row['server_cpu_ms']:14.2f}"
            )
    for kind in SIDES:
        row = sequential[kind]
        print(
            f"{'seq':>5} {kind:>5} {row['p50_ms']:8.1f} {row['p90_ms']:8.1f}"
            f" {row['p99_ms']:8.1f} {row['max_ms']:8.1f} {row['requests_per_s']:7.0f}"
        )
    for kind, row in open_loop.items():
        print(
            f"{'open':>5} {kind:>5} {row['p50_ms']:8.1f} {row['p90_ms']:8.1f}"
            f" {row['p99_ms']:8.1f} {row['max_ms']:8.1f} {row['requests_per_s']:7.0f}"
        )
    p99_app = statistics.median(row["p99_ms"] for row in results["app"])
    p99_bare = statistics.median(row["p99_ms"] for row in results["bare"])
    p50_app = statistics.median(row["p50_ms"] for row in results["app"])
    p50_bare = statistics.median(row["p50_ms"] for row in results["bare"])
    cpu_app = statistics.median(row["server_cpu_ms"] for row in results["app"])
    cpu_bare = statistics.median(row["server_cpu_ms"] for row in results["bare"])
    report["ratio_server_cpu"] = cpu_app / cpu_bare
    p99_read = statistics.median(row["p99_ms"] for row in results["read"])
    report["ratio_p99_to_read"] = p99_app / p99_read
    report["ratio_p50"] = p50_app / p50_bare
    report["ratio_p99"] = p99_app / p99_bare
    met = p99_app <= 1000 * GOAL_P99_S and report["ratio_p99"] <= GOAL_RATIO
    report["goal_met"] = met
    print(
        f"median over rounds: app p50 {p50_app:.1f} ms, p99 {p99_app:.1f} ms;"
        f" ratio to bare p50 {report['ratio_p50']:.2f}x, p99 {report['ratio_p99']:.2f}x;"
        f" p99 to read-body {report['ratio_p99_to_read']:.2f}x"
    )
    print(
        f"server CPU per request: app {cpu_app:.2f} ms, bare {cpu_bare:.2f} ms"
        f" ({report['ratio_server_cpu']:.2f}x)"
    )
    # Little's law: with N requests always in flight, mean latency = N / throughput
    print(
        f"{args.concurrency} in flight need >= {args.concurrency / GOAL_P99_S:.0f} req/s for a"
        f" {1000 * GOAL_P99_S:.0f} ms mean; load average {os.getloadavg()[0]:.1f}"
        f" on {os.cpu_count()} CPUs"
    )
    print(
        f"goal (p99 <= {1000 * GOAL_P99_S:.0f} ms and <= {GOAL_RATIO}x bare):"
        f" {'met' if met else 'NOT met'}"
    )
    OUT.mkdir(exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    for name in (f"webhook_load-{stamp}.json", "webhook_load-latest.json"):
        (OUT / name).write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
