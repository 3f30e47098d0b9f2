#!/usr/bin/env python3
"""End-to-end push benchmark: N simulated sidecars on `aeraki serve`, one VirtualService edit,
time until every affected proxy has ACKed the new config. Prints `key: value` lines.

Sidecars are grpc.aio ADS streams (CDS and LDS wildcard, like Envoy's first requests) spread over
a few channels; each ACKs every response as soon as it arrives. Loopback only, bounded in time.
"""
import argparse
import asyncio
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

import grpc
from envoy.config.core.v3 import base_pb2
from envoy.service.discovery.v3 import discovery_pb2
from google.protobuf import struct_pb2

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", ".."))
ADS = "/envoy.service.discovery.v3.AggregatedDiscoveryService/StreamAggregatedResources"
T = "type.googleapis.com/envoy.config."
CDS, LDS = T + "cluster.v3.Cluster", T + "listener.v3.Listener"


class Sidecar:
    def __init__(self, index, views=1):
        ip = f"10.{100 + index // 60000}.{(index // 250) % 240}.{index % 250 + 1}"
        metadata = struct_pb2.Struct()
        metadata.update({"NAMESPACE": "demo", "INSTANCE_IPS": ip, "LABELS": {"app": "client", "shard": str(index % views)}, "ISTIO_VERSION": "1.22.0"})
        self.node = base_pb2.Node(id=f"sidecar~{ip}~client-{index}.demo~demo.svc.cluster.local", metadata=metadata)
        self.queue = asyncio.Queue()
        self.initial = asyncio.Event()
        self.seen = set()
        self.edit_started = None
        self.acked_after_edit = None
        self.pushes_after_edit = 0
        self.error = None

    async def requests(self):
        while True:
            item = await self.queue.get()
            if item is None:
                return
            yield item

    async def run(self, channel):
        call = channel.stream_stream(ADS, request_serializer=discovery_pb2.DiscoveryRequest.SerializeToString,
                                     response_deserializer=discovery_pb2.DiscoveryResponse.FromString)
        self.queue.put_nowait(discovery_pb2.DiscoveryRequest(node=self.node, type_url=CDS))
        self.queue.put_nowait(discovery_pb2.DiscoveryRequest(type_url=LDS))
        stream = call(self.requests())
        try:
            async for response in stream:
                self.queue.put_nowait(discovery_pb2.DiscoveryRequest(
                    type_url=response.type_url, version_info=response.version_info, response_nonce=response.nonce))
                now = time.monotonic()
                if self.edit_started is not None:
                    self.pushes_after_edit += 1
                    self.acked_after_edit = now
                self.seen.add(response.type_url)
                if {CDS, LDS} <= self.seen:
                    self.initial.set()
        except grpc.aio.AioRpcError as e:
            if e.code() != grpc.StatusCode.CANCELLED:
                self.error = e

    def close(self):
        self.queue.put_nowait(None)


def admin_get(admin, path):
    with urllib.request.urlopen(f"http://{admin}{path}", timeout=30) as r:
        return r.read().decode()


def metric(text, name):
    total = 0.0
    for line in text.splitlines():
        if line.startswith(name) and not line.startswith("#"):
            total += float(line.rsplit(" ", 1)[1])
    return total


async def bench(args, xds, admin, config_dir):
    channels = [grpc.aio.insecure_channel(xds, options=[("grpc.use_local_subchannel_pool", 1)]) for _ in range(args.channels)]
    sidecars = [Sidecar(i, args.views) for i in range(args.sidecars)]
    started = time.monotonic()
    tasks = [asyncio.create_task(s.run(channels[i % len(channels)])) for i, s in enumerate(sidecars)]
    try:
        await asyncio.wait_for(asyncio.gather(*(s.initial.wait() for s in sidecars)), timeout=args.timeout)
    except asyncio.TimeoutError:
        ready = sum(s.initial.is_set() for s in sidecars)
        raise SystemExit(f"only {ready}/{len(sidecars)} sidecars got their initial config within {args.timeout}s")
    connect_seconds = time.monotonic() - started
    await asyncio.sleep(1.0)  # let initial ACKs settle
    before = admin_get(admin, "/metrics")

    path = os.path.join(config_dir, "tcp.yaml")
    text = open(path).read()
    edited = re.sub(r"weight: 90\}", "weight: 50}", text, count=1)
    edited = re.sub(r"weight: 10\}", "weight: 50}", edited, count=1)
    assert edited != text, "the VirtualService edit changed nothing"
    edit_at = time.monotonic()
    for s in sidecars:
        s.edit_started = edit_at
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write(edited)
    os.replace(tmp, path)

    # Wait until every sidecar ACKed a post-edit push, or until pushes stop arriving.
    deadline = edit_at + args.timeout
    quiet_since = None
    last_count = 0
    while time.monotonic() < deadline:
        count = sum(s.acked_after_edit is not None for s in sidecars)
        if count == len(sidecars):
            break
        if count == last_count and count > 0:
            quiet_since = quiet_since or time.monotonic()
            if time.monotonic() - quiet_since > 3.0:
                break
        else:
            quiet_since = None
        last_count = count
        await asyncio.sleep(0.01)
    await asyncio.sleep(0.5)
    after = admin_get(admin, "/metrics")
    latencies = sorted(s.acked_after_edit - edit_at for s in sidecars if s.acked_after_edit is not None)
    syncz = json.loads(admin_get(admin, "/debug/syncz"))["proxies"]
    synced = sum(1 for p in syncz if p["types"] and all(t["state"] == "SYNCED" for t in p["types"]))

    for s in sidecars:
        s.close()
    for c in channels:
        await c.close()
    for t in tasks:
        t.cancel()
    errors = sum(1 for s in sidecars if s.error is not None)

    def pct(p):
        return latencies[min(len(latencies) - 1, int(p * len(latencies)))] if latencies else float("nan")

    print(f"sidecars: {len(sidecars)}")
    print(f"distinct_proxy_views: {min(args.views, len(sidecars))}")
    print(f"connect_all_initial_config_seconds: {connect_seconds:.3f}")
    print(f"affected_proxies: {len(latencies)}")
    print(f"edit_to_all_affected_acked_seconds: {latencies[-1] if latencies else float('nan'):.3f}")
    print(f"edit_to_acked_p50_seconds: {pct(0.50):.3f}")
    print(f"edit_to_acked_p99_seconds: {pct(0.99):.3f}")
    print(f"edit_to_first_acked_seconds: {latencies[0] if latencies else float('nan'):.3f}")
    print(f"pushes_after_edit_per_affected_proxy: {statistics.mean([s.pushes_after_edit for s in sidecars if s.pushes_after_edit]) if latencies else 0:.2f}")
    print(f"server_pushes_for_edit: {metric(after, 'aeraki_xds_pushes_total') - metric(before, 'aeraki_xds_pushes_total'):.0f}")
    print(f"server_push_bytes_for_edit: {metric(after, 'aeraki_xds_push_bytes_total') - metric(before, 'aeraki_xds_push_bytes_total'):.0f}")
    print(f"server_generation_seconds_for_edit: {metric(after, 'aeraki_generation_duration_seconds_sum') - metric(before, 'aeraki_generation_duration_seconds_sum'):.3f}")
    print(f"proxies_synced_in_syncz: {synced}")
    print(f"stream_errors: {errors}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--aeraki", default=os.environ.get("AERAKI_BIN", os.path.join(REPO, ".build", "release", "aeraki")))
    parser.add_argument("--sidecars", type=int, default=1000)
    parser.add_argument("--channels", type=int, default=8)
    parser.add_argument("--views", type=int, default=1,
                        help="distinct label sets among the sidecars (1: replicas of one workload; N: no two alike)")
    parser.add_argument("--timeout", type=float, default=60.0)
    args = parser.parse_args()

    config_dir = tempfile.mkdtemp(prefix="aeraki-bench-")
    shutil.copytree(os.path.join(REPO, "examples"), config_dir, dirs_exist_ok=True, ignore=shutil.ignore_patterns("*.md"))
    log = open(os.path.join(config_dir, ".aeraki.log"), "w")
    proc = subprocess.Popen([args.aeraki, "serve", "--config-dir", config_dir, "--xds-host", "127.0.0.1", "--xds-port", "0",
                             "--admin-host", "127.0.0.1", "--admin-port", "0", "--poll-interval-ms", "50",
                             "--debounce-ms", "20", "--log-level", "warning"],
                            stdout=subprocess.PIPE, stderr=log, text=True)
    try:
        xds = proc.stdout.readline().split()[-1]
        admin = proc.stdout.readline().split()[-1]
        print(f"binary: {args.aeraki}")
        asyncio.run(bench(args, xds, admin, config_dir))
        rss = 0
        with open(f"/proc/{proc.pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    rss = int(line.split()[1])
        print(f"server_rss_mib: {rss / 1024:.1f}")
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()
        shutil.rmtree(config_dir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
