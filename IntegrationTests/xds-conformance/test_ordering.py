"""§6 cases 24–29: ordering and warming on ADS."""
import shutil
import time

import pytest

from xds_harness import (CDS, ECDS, EDS, LDS, RDS, RTDS, SDS, cla, cluster, extension, listener, node, route, runtime,
                         secret)


def everything(v):
    return [cluster("c1", timeout=f"{v + 1}s"), cla("c1", port=8000 + v), listener("l1", port=9000 + v, route="r1"),
            route("r1", cluster_name=f"c1-{v}"), secret("s1", value=f"s{v}"), runtime("rt1", value=f"v{v}"),
            extension("e1", stat="y" if v % 2 else "x")]


def test_24_push_order(server, node_id):
    server.write(node_id, everything(0))
    s = server.stream()
    s.send(node=node(node_id), type_url=CDS)
    s.ack(s.recv(), names=[])
    subs = {EDS: ["c1"], LDS: [], RDS: ["r1"], SDS: ["s1"], RTDS: ["rt1"], ECDS: ["e1"]}
    for t, names in subs.items():
        s.send(type_url=t, resource_names=names)
        s.ack(s.recv(), names=names)
    for v in (1, 2):
        server.write(node_id, everything(v))
        order = [s.recv().type_url for _ in range(7)]
        assert order == [CDS, EDS, LDS, RDS, SDS, RTDS, ECDS], order
    s.close()


def test_25_eds_resent_after_cluster_change(server, node_id):
    server.write(node_id, [cluster("c1"), cla("c1")])
    s = server.stream()
    s.send(node=node(node_id), type_url=CDS)
    c = s.recv()
    s.ack(c, names=[])
    s.send(type_url=EDS, resource_names=["c1"])
    e = s.recv()
    s.ack(e)
    s.expect_none()
    # The cluster changes, its assignment does not.
    server.write(node_id, [cluster("c1", timeout="5s"), cla("c1")])
    c2 = s.recv()
    assert c2.type_url == CDS
    s.ack(c2, names=[])
    # Envoy's EDS request after applying CDS looks exactly like an ACK: it must still be answered.
    s.send(type_url=EDS, version_info=e.version, response_nonce=e.nonce, resource_names=["c1"])
    e2 = s.recv()
    assert e2.type_url == EDS and e2.names == ["c1"]
    s.ack(e2)
    s.expect_none()
    s.close()


def test_26_rds_for_new_route_name(server, node_id):
    server.write(node_id, [listener("l1", route="r1"), route("r1")])
    s = server.stream()
    s.send(node=node(node_id), type_url=LDS)
    s.ack(s.recv(), names=[])
    s.send(type_url=RDS, resource_names=["r1"])
    r = s.recv()
    s.ack(r)
    server.write(node_id, [listener("l1", route="r1"), listener("l2", port=9001, route="r2"), route("r1"), route("r2")])
    l = s.recv()
    assert l.type_url == LDS and l.names == ["l1", "l2"]
    s.ack(l, names=[])
    s.send(type_url=RDS, version_info=r.version, response_nonce=r.nonce, resource_names=["r1", "r2"])
    r2 = s.recv()
    assert r2.names == ["r2"], "the unchanged, known route r1 is not resent"
    s.close()


def big_clusters(n, v):
    return [dict(cluster(f"c{i:03d}", timeout=f"{v + 1}s"), alt_stat_name=("x" * 2000) + str(v)) for i in range(n)]


def test_27_superseded_response_dropped(server, node_id):
    server.write(node_id, big_clusters(150, 0))
    ch = server.slow_channel()
    s = server.stream(paused=True, channel=ch)
    s.send(node=node(node_id), type_url=CDS)
    time.sleep(0.5)  # the first (300 KB) response fills the flow-control window; the writer blocks
    for v in range(1, 5):
        server.write(node_id, big_clusters(150, v))
    s.resume()
    first = s.recv()
    versions = [first.resources["c000"].alt_stat_name[-1]]
    while True:
        try:
            versions.append(s.recv(timeout=1.5).resources["c000"].alt_stat_name[-1])
        except AssertionError:
            break
    assert versions[-1] == "4"
    assert len(versions) <= 3, f"intermediate snapshots were queued instead of superseded: {versions}"
    s.close()
    ch.close()


def test_28_two_phase_removal():
    pytest.skip("optional (S): two-phase make-before-break removal is not implemented; removals are pushed at once")


def test_29_envoy_end_to_end():
    if shutil.which("envoy") is None:
        pytest.skip("no envoy binary on this machine (no internet to fetch one); the convergence run needs a real Envoy")
    pytest.skip("Envoy present but the end-to-end harness is not written yet")
