"""Fallback load client (no wrk): asyncio + httpx, N concurrent connections, random timestamps, latencies."""

from __future__ import annotations

import asyncio
import random
import statistics
import time


async def _worker(client, video_id: str, duration: float, stop: float, lat: list[float], errs: list[int]) -> None:
    rng = random.Random()
    while time.perf_counter() < stop:
        t = rng.random() * duration
        started = time.perf_counter()
        try:
            r = await client.get(f"/api/v1/video/{video_id}/code", params={"timestamp": f"{t:.3f}"})
            ok = r.status_code == 200
        except Exception:  # noqa: BLE001
            ok = False
        lat.append((time.perf_counter() - started) * 1000)
        if not ok:
            errs.append(1)


async def _run(port: int, video_id: str, duration: float, connections: int, seconds: int) -> dict:
    import httpx

    limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
    lat: list[float] = []
    errs: list[int] = []
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", limits=limits, timeout=5) as client:
        started = time.perf_counter()
        stop = started + seconds
        await asyncio.gather(*(_worker(client, video_id, duration, stop, lat, errs) for _ in range(connections)))
        elapsed = time.perf_counter() - started
    q = statistics.quantiles(lat, n=100) if len(lat) > 100 else [0.0] * 99
    return {"client": f"python httpx c{connections}", "rps": len(lat) / elapsed, "p50_ms": q[49], "p90_ms": q[89],
            "p99_ms": q[98], "requests": len(lat), "errors": len(errs), "non_2xx": len(errs), "socket_errors": 0,
            "raw": f"{len(lat)} requests in {elapsed:.1f}s"}


def run(port: int, video_id: str, duration: float, connections: int, seconds: int) -> dict:
    return asyncio.run(_run(port, video_id, duration, connections, seconds))
