#!/usr/bin/env python3
"""Open-loop load for the farmer: signage points at a fixed rate over keep-alive loopback
connections, latency measured from each request's scheduled send time (so a stalled server
cannot hide queueing). Used by tools/load-farmer; talks to 127.0.0.1 only."""
import argparse
import asyncio
import hashlib
import json
import sys
import time


async def open_connection(port):
    return await asyncio.open_connection("127.0.0.1", port)


async def post(conn, port, path, body):
    reader, writer = conn
    data = json.dumps(body).encode()
    writer.write(f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\n"
                 f"Content-Length: {len(data)}\r\n\r\n".encode() + data)
    await writer.drain()
    status_line = await reader.readline()
    length = 0
    while True:
        line = await reader.readline()
        if line in (b"\r\n", b""):
            break
        name, _, value = line.decode().partition(":")
        if name.lower() == "content-length":
            length = int(value)
    payload = await reader.readexactly(length)
    return int(status_line.split()[1]), payload


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--rate", type=float, default=50)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--plots", type=int, required=True, help="plots the farmer should report checking")
    args = parser.parse_args()

    total = int(args.rate * args.seconds)
    pool = asyncio.Queue()
    for _ in range(args.connections):
        pool.put_nowait(await open_connection(args.port))
    latencies, errors, qualities, wrong_counts = [], 0, 0, 0
    start = time.perf_counter() + 0.2

    async def one(i):
        nonlocal errors, qualities, wrong_counts
        scheduled = start + i / args.rate
        delay = scheduled - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        conn = await pool.get()
        try:
            body = {"challenge_hash": hashlib.sha256(b"load challenge %d" % (i // 64)).hexdigest(),
                    "sp_hash": hashlib.sha256(b"load sp %d" % i).hexdigest(),
                    "filter_bits": 0, "difficulty": 1, "sub_slot_iters": 37748736000}
            status, payload = await post(conn, args.port, "/v1/signage-points", body)
            latencies.append(time.perf_counter() - scheduled)
            if status != 200:
                errors += 1
                return
            answer = json.loads(payload)
            qualities += len(answer["qualities"])
            if answer["plots_passed"] != args.plots or answer["late_plots"] or answer["failed_plots"]:
                wrong_counts += 1
        except Exception as e:  # a broken connection counts as an error and is replaced
            errors += 1
            print(f"request {i}: {e!r}", file=sys.stderr)
            conn = await open_connection(args.port)
        finally:
            pool.put_nowait(conn)

    await asyncio.gather(*(one(i) for i in range(total)))
    elapsed = time.perf_counter() - start
    latencies.sort()

    def pct(p):
        return latencies[min(len(latencies) - 1, int(p / 100 * len(latencies)))] * 1000 if latencies else float("nan")

    result = {"requests": total, "answered": len(latencies), "errors": errors,
              "answers_missing_plots": wrong_counts, "seconds": round(elapsed, 2),
              "throughput_per_s": round(len(latencies) / elapsed, 1), "qualities_per_sp": round(qualities / max(1, len(latencies)), 2),
              "p50_ms": round(pct(50), 2), "p90_ms": round(pct(90), 2), "p99_ms": round(pct(99), 2),
              "max_ms": round(latencies[-1] * 1000, 2) if latencies else None}
    print(json.dumps(result))


asyncio.run(main())
