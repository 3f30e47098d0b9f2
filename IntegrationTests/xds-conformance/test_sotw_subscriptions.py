"""§6 cases 14–23: SotW subscription semantics."""
import pytest

from xds_harness import (CDS, ECDS, EDS, LDS, RDS, RTDS, SDS, Server, cla, cluster, extension, listener, node,
                         route, runtime, secret)


def test_14_empty_names_is_wildcard(server, node_id):
    server.write(node_id, [cluster("c1"), cluster("c2"), listener("l1"), listener("l2", port=9001)])
    s = server.stream()
    s.send(node=node(node_id), type_url=LDS)
    s.send(type_url=CDS)
    got = {r.type_url: r.names for r in (s.recv(), s.recv())}
    assert got == {CDS: ["c1", "c2"], LDS: ["l1", "l2"]}
    s.close()


def test_15_explicit_wildcard_sequence(server, node_id):
    server.write(node_id, [cluster("A"), cluster("B")])
    s = server.stream()
    s.send(node=node(node_id), type_url=CDS, resource_names=["*", "A"])
    r = s.recv()
    assert r.names == ["A", "B"], "* plus A: everything"
    s.ack(r, names=["*", "A"])
    server.write(node_id, [cluster("A"), cluster("B"), cluster("C")])
    r = s.recv()
    assert r.names == ["A", "B", "C"], "still wildcard: C arrives"
    s.ack(r, names=["A"])  # drops the wildcard (unsubscribing needs no response)
    s.expect_none()
    server.write(node_id, [cluster("A"), cluster("B"), cluster("C"), cluster("D")])
    s.expect_none()
    server.write(node_id, [cluster("A", timeout="2s"), cluster("B"), cluster("C"), cluster("D")])
    r = s.recv()
    assert r.names == ["A"], "only A once the wildcard is dropped"
    s.ack(r, names=[])  # [] after names means nothing, not wildcard
    server.write(node_id, [cluster("A", timeout="3s"), cluster("B", timeout="3s"), cluster("E")])
    s.expect_none()
    s.close()


def test_16_full_state_and_deletion(server, node_id):
    server.write(node_id, [cluster("a"), cluster("b"), cluster("c")])
    s = server.stream()
    s.send(node=node(node_id), type_url=CDS)
    r = s.recv()
    assert r.names == ["a", "b", "c"]
    s.ack(r, names=[])
    server.write(node_id, [cluster("a"), cluster("b", timeout="2s"), cluster("c")])
    r = s.recv()
    assert r.names == ["a", "b", "c"], "full state: unchanged clusters are included"
    s.ack(r, names=[])
    server.write(node_id, [cluster("a"), cluster("b", timeout="2s")])
    r = s.recv()
    assert r.names == ["a", "b"]
    s.ack(r, names=[])
    server.write(node_id, [listener("only-a-listener")])
    r = s.recv()
    assert r.names == []
    s.close()


@pytest.mark.parametrize("type_url,make", [
    (RDS, lambda n, v: route(n, cluster_name=f"c{v}")),
    (EDS, lambda n, v: cla(n, port=8000 + v)),
    (SDS, lambda n, v: secret(n, value=f"s{v}")),
    (RTDS, lambda n, v: runtime(n, value=f"v{v}")),
    (ECDS, lambda n, v: extension(n, stat="y" if v else "x")),
], ids=["rds", "eds", "sds", "rtds", "ecds"])
def test_17_non_full_state_changes(server, node_id, type_url, make):
    server.write(node_id, [make("a", 0), make("b", 0)])
    s = server.stream()
    s.send(node=node(node_id), type_url=type_url, resource_names=["a", "b"])
    r = s.recv()
    assert r.names == ["a", "b"]
    s.ack(r)
    server.write(node_id, [make("a", 1), make("b", 0)])
    r = s.recv()
    assert "a" in r.names
    s.ack(r, names=["a", "b"])
    # Same content written again (another file name, same resources): nothing is sent.
    server.write(node_id, [make("a", 1), make("b", 0)], filename="z.json", wait=False)
    server.write(node_id, [], filename="resources.json")
    s.expect_none()
    s.close()


def test_18_added_name_sent_immediately(server, node_id):
    server.write(node_id, [cla("a"), cla("b")])
    s = server.stream()
    s.send(node=node(node_id), type_url=EDS, resource_names=["a"])
    r = s.recv()
    s.ack(r, names=["a", "b"])  # looks like an ACK (same version, same nonce) but adds b
    r2 = s.recv()
    assert r2.names == ["b"] and r2.version == r.version
    s.close()


def test_19_resubscribe_resends(server, node_id):
    server.write(node_id, [route("r1"), route("r2")])
    s = server.stream()
    s.send(node=node(node_id), type_url=RDS, resource_names=["r1", "r2"])
    r = s.recv()
    s.ack(r, names=["r1"])
    s.expect_none()
    s.ack(r, names=["r1", "r2"])
    assert s.recv().names == ["r2"]
    s.close()


def test_20_unknown_eds_held(server, node_id):
    server.write(node_id, [cla("known")])
    s = server.stream()
    s.send(node=node(node_id), type_url=EDS, resource_names=["unknown"])
    s.expect_none()
    server.write(node_id, [cla("known"), cla("unknown")])
    assert s.recv().names == ["unknown"]
    s.close()


def test_21_subset_answered(server, node_id):
    server.write(node_id, [cla("a"), cla("b"), cla("c"), cluster("a"), cluster("b"), cluster("c")])
    s = server.stream()
    s.send(node=node(node_id), type_url=EDS, resource_names=["b"])
    assert s.recv().names == ["b"]
    s.close()


def test_22_unsubscribed_never_sent(server, node_id):
    server.write(node_id, [cla("a"), cla("b"), cla("c")])
    s = server.stream()
    s.send(node=node(node_id), type_url=EDS, resource_names=["a"])
    r = s.recv()
    s.ack(r)
    server.write(node_id, [cla("a", port=1), cla("b", port=1), cla("c", port=1)])
    r = s.recv()
    assert r.names == ["a"]
    s.ack(r)
    server.write(node_id, [cla("a", port=1), cla("b", port=2), cla("c", port=2)])
    s.expect_none()
    s.close()


def test_23_legacy_wildcard_can_be_disabled(node_id):
    srv = Server(extra_args=["--no-legacy-wildcard", LDS])
    try:
        srv.write(node_id, [listener("l1"), cluster("c1")])
        s = srv.stream()
        s.send(node=node(node_id), type_url=LDS)
        assert s.recv().names == [], "empty names mean nothing when legacy wildcard is off"
        s.send(type_url=CDS)
        assert s.recv().names == ["c1"], "other types keep legacy wildcard"
        s.close()
    finally:
        srv.stop()
