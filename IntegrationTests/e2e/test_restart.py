"""Aeraki restarted under connected sidecars: every sidecar reconnects (as Envoy does, announcing
what it holds) and gets the very versions it had — content versions — with no spurious pushes."""
import socket
import time
from concurrent.futures import ThreadPoolExecutor

import grpc

from e2e_harness import CDS, DELTA_ADS, EDS, LDS, Aeraki, Sidecar, Stream, copy_examples, sidecar_node

SOTW_SIDECARS = 25
DELTA_SIDECARS = 25
# The Python client decodes and validates every resource under the GIL, so with many streams at once
# a response can arrive seconds after it was sent: the waits below are long for that, and the
# sidecar count is what CI affords (`Scripts/bench-scale.sh` measures at 1,000).


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def nodes(count, offset):
    return [sidecar_node(pod=f"consumer-{offset + i}", namespace=["demo", "dubbo", "thrift"][i % 3], ip=f"10.2.{offset // 250}.{offset % 250 + i}")
            for i in range(count)]


def delta_sync(stream, node, initial=None):
    """Subscribes to CDS, LDS and then EDS for the EDS clusters, ACKing each response; returns
    {type: {name: version}} and the responses received."""
    held = {t: dict((initial or {}).get(t, {})) for t in (CDS, EDS, LDS)}
    got = []
    stream.send(node=node, type_url=CDS, resource_names_subscribe=["*"], initial_resource_versions=held[CDS])
    stream.send(type_url=LDS, resource_names_subscribe=["*"], initial_resource_versions=held[LDS])
    eds_sent = False
    answered = set()
    while True:
        try:
            resp = stream.recv(timeout=3.0)
        except AssertionError as e:
            # Done once quiet after every subscribed type was answered (the first push, or nothing
            # to push for a reconnect that already holds everything).
            if "no response" in str(e) and (initial or answered >= {CDS, LDS} | ({EDS} if eds_sent else set())):
                return held, got
            if "no response" in str(e):
                continue
            raise
        answered.add(resp.type_url)
        got.append(resp)
        held[resp.type_url].update(resp.versions)
        for name in resp.removed:
            held[resp.type_url].pop(name, None)
        stream.send(type_url=resp.type_url, response_nonce=resp.nonce)
        if resp.type_url == CDS and not eds_sent:
            eds = sorted(n for n, c in resp.resources.items() if c.type == c.EDS)
            stream.send(type_url=EDS, resource_names_subscribe=eds, initial_resource_versions=held[EDS])
            eds_sent = True
    return held, got


def test_restart_under_connected_sidecars_gives_the_same_versions_and_nothing_more(tmp_path):
    config = tmp_path / "mesh"
    copy_examples(config)
    port = free_port()
    extra = ("--xds-port", str(port))
    aeraki = Aeraki(config_dir=str(config), extra=extra)
    sotw_nodes, delta_nodes = nodes(SOTW_SIDECARS, 0), nodes(DELTA_SIDECARS, 100)
    pool = ThreadPoolExecutor(max_workers=40)
    try:
        sotw = [Sidecar(aeraki.channel, n) for n in sotw_nodes]
        def synced(sidecar):
            """Pumps until CDS, LDS and (for EDS clusters) EDS are in, then until quiet."""
            def complete():
                if CDS not in sidecar.latest or LDS not in sidecar.latest:
                    return False
                return EDS in sidecar.latest or not any(c.type == c.EDS for c in sidecar.latest[CDS].resources.values())
            deadline = time.time() + 120
            while not complete() and time.time() < deadline:
                try:
                    sidecar.pump(timeout=5.0)
                except AssertionError as e:
                    if "no response" not in str(e):
                        raise
            sidecar.sync(quiet=2.0, timeout=60)

        list(pool.map(synced, sotw))
        before = [{t: (r.version, r.names) for t, r in s.latest.items()} for s in sotw]
        assert all(CDS in b and LDS in b for b in before), before[0]
        delta_before = list(pool.map(lambda n: delta_sync(Stream(aeraki.channel, method=DELTA_ADS, delta=True), n)[0], delta_nodes))
        assert all(held[CDS] for held in delta_before)
    finally:
        started = time.time()
        aeraki.terminate(timeout=60)
        print(f"\n[restart] SIGTERM to exit with {SOTW_SIDECARS + DELTA_SIDECARS} streams connected: {time.time() - started:.1f} s", flush=True)

    aeraki = Aeraki(config_dir=str(config), extra=extra)
    channel = grpc.insecure_channel(f"127.0.0.1:{port}")

    def reconnect_sotw(node, had):
        # Envoy reconnects announcing, per type, the version and names it holds.
        stream = Stream(channel)
        for i, (type_url, (version, names)) in enumerate(sorted(had.items())):
            fields = dict(type_url=type_url, version_info=version, resource_names=[] if type_url in (CDS, LDS) else names)
            if i == 0:
                fields["node"] = node
            stream.send(**fields)
        # A wildcard CDS/LDS set at the announced version is not sent again; EDS is, since a SotW
        # version names the whole set and not which of its names the client received.
        for _ in [t for t in had if t not in (CDS, LDS)]:
            resp = stream.recv(timeout=15)
            assert resp.type_url not in (CDS, LDS), f"{node.id}: spurious {resp.type_url} push after the restart"
            assert (resp.version, resp.names) == had[resp.type_url], f"{node.id} {resp.type_url}: {resp.version} != {had[resp.type_url][0]}"
            stream.ack(resp, names=resp.names)
        stream.expect_none(2.0)
        stream.close()

    def reconnect_delta(node, held):
        after, got = delta_sync(Stream(channel, method=DELTA_ADS, delta=True), node, initial=held)
        assert after == held, node.id
        pushed = [(r.type_url, r.names, r.removed) for r in got if r.names or r.removed]
        assert not pushed, f"{node.id}: spurious delta pushes after the restart: {pushed}"

    try:
        list(pool.map(reconnect_sotw, sotw_nodes, before))
        list(pool.map(reconnect_delta, delta_nodes, delta_before))
    finally:
        channel.close()
        pool.shutdown()
        aeraki.stop()
