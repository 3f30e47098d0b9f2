"""§6 cases 30–43: delta (incremental) xDS."""
import pytest

from xds_harness import (CDS, DELTA_ADS, EDS, PER_TYPE, Server, cla, cluster, listener, node, csds_statuses,
                         wait_for)
from google.rpc import status_pb2


def dstream(server):
    return server.stream(method=DELTA_ADS, delta=True)


def dack(s, r, **kw):
    s.send(type_url=r.type_url, response_nonce=r.nonce, **kw)


def test_30_first_wildcard_gets_response(server, node_id):
    server.write(node_id, [listener("l1")])
    s = dstream(server)
    s.send(node=node(node_id), type_url=CDS)
    r = s.recv()
    assert r.names == [] and r.removed == [] and r.nonce
    s.close()
    # Snapshot arriving after the request.
    later = node_id + "-later"
    s = dstream(server)
    s.send(node=node(later), type_url=CDS)
    s.expect_none()
    server.write(later, [listener("l1")])
    r = s.recv()
    assert r.names == [] and r.nonce
    s.close()


def test_31_only_changes_with_stable_versions(server, node_id):
    server.write(node_id, [cluster("a"), cluster("b")])
    s = dstream(server)
    s.send(node=node(node_id), type_url=CDS)
    r = s.recv()
    assert r.names == ["a", "b"]
    dack(s, r)
    server.write(node_id, [cluster("a"), cluster("b", timeout="7s")])
    r2 = s.recv()
    assert r2.names == ["b"] and r2.versions["b"] != r.versions["b"]
    s.close()
    # A replica (or a restart) gives equal content the same per-resource version.
    replica = Server()
    try:
        replica.write(node_id, [cluster("a"), cluster("b", timeout="7s")])
        s2 = replica.stream(method=DELTA_ADS, delta=True)
        s2.send(node=node(node_id), type_url=CDS)
        r3 = s2.recv()
        assert r3.versions == {"a": r.versions["a"], "b": r2.versions["b"]}
        s2.close()
    finally:
        replica.stop()


def test_32_delta_ack_and_nack(server, node_id):
    server.write(node_id, [cluster("a")])
    s = dstream(server)
    s.send(node=node(node_id), type_url=CDS)
    r = s.recv()
    dack(s, r)
    s.expect_none()
    server.write(node_id, [cluster("a", timeout="3s")])
    bad = s.recv()
    s.send(type_url=CDS, response_nonce=bad.nonce, error_detail=status_pb2.Status(code=3, message="bad cluster a"))
    s.expect_none()
    st = wait_for(lambda: csds_statuses(server.csds(node_id)).get((CDS, "a"), ("",))[0] == "ERROR")
    assert st, csds_statuses(server.csds(node_id))
    assert csds_statuses(server.csds(node_id))[(CDS, "a")][1].error_state.details == "bad cluster a"
    s.close()


def test_33_stale_nonce_subscription_applied(server, node_id):
    server.write(node_id, [cla("a"), cla("x")])
    s = dstream(server)
    s.send(node=node(node_id), type_url=EDS, resource_names_subscribe=["a"])
    r1 = s.recv()
    server.write(node_id, [cla("a", port=2), cla("x")])
    r2 = s.recv()
    assert r2.names == ["a"]
    s.send(type_url=EDS, response_nonce=r1.nonce, resource_names_subscribe=["x"])
    assert s.recv().names == ["x"]
    s.close()


def test_34_unsubscribe_then_resubscribe(server, node_id):
    server.write(node_id, [cla("a"), cla("b")])
    s = dstream(server)
    s.send(node=node(node_id), type_url=EDS, resource_names_subscribe=["a", "b"])
    r = s.recv()
    dack(s, r)
    s.send(type_url=EDS, resource_names_unsubscribe=["b"])
    s.expect_none()
    server.write(node_id, [cla("a"), cla("b", port=3)])
    s.expect_none()  # b is no longer tracked
    s.send(type_url=EDS, resource_names_subscribe=["b"])
    assert s.recv().names == ["b"]
    s.send(type_url=EDS, resource_names_unsubscribe=["b"])
    s.send(type_url=EDS, resource_names_subscribe=["b"])
    assert s.recv().names == ["b"], "re-subscribing resends even unchanged"
    s.close()


def test_35_unsubscribe_unknown_silent(server, node_id):
    server.write(node_id, [cla("a")])
    s = dstream(server)
    s.send(node=node(node_id), type_url=EDS, resource_names_subscribe=["a"])
    dack(s, s.recv())
    s.send(type_url=EDS, resource_names_unsubscribe=["never-subscribed"])
    s.expect_none()
    assert s.error is None
    s.close()


def test_36_wildcard_explicit_unsubscribe(server, node_id):
    server.write(node_id, [cluster("a")])
    s = dstream(server)
    s.send(node=node(node_id), type_url=CDS, resource_names_subscribe=["*", "a", "gone"])
    r = s.recv()
    assert r.names == ["a"]
    dack(s, r)
    s.send(type_url=CDS, resource_names_unsubscribe=["a"])
    r = s.recv()
    assert r.names == ["a"], "still covered by the wildcard: sent again"
    dack(s, r)
    s.send(type_url=CDS, resource_names_subscribe=["b"])
    r = s.recv()
    assert r.removed == ["b"]
    server.write(node_id, [cluster("a"), cluster("b")])
    r = s.recv()
    assert r.names == ["b"]
    server.write(node_id, [cluster("a")])
    r = s.recv()
    assert r.removed == ["b"]
    s.send(type_url=CDS, resource_names_unsubscribe=["b"])
    s.expect_none()
    s.close()


def test_37_deletion_removed_for_every_holder(server, node_id):
    server.write(node_id, [cluster("a"), cluster("b")])
    streams = []
    for _ in range(2):
        s = dstream(server)
        s.send(node=node(node_id), type_url=CDS)
        assert s.recv().names == ["a", "b"]
        streams.append(s)
    server.write(node_id, [cluster("a")])
    for s in streams:
        r = s.recv()
        assert r.removed == ["b"] and r.names == []
        s.close()


def test_38_legacy_delta_wildcard(server, node_id):
    server.write(node_id, [cluster("a")])
    s = dstream(server)
    s.send(node=node(node_id), type_url=CDS)
    dack(s, s.recv())
    s.send(type_url=CDS, resource_names_subscribe=["A"])
    r = s.recv()
    assert r.removed == ["A"]
    server.write(node_id, [cluster("a"), cluster("new")])
    assert s.recv().names == ["new"], "still wildcard after subscribing A"
    s.send(type_url=CDS, resource_names_unsubscribe=["*"])
    server.write(node_id, [cluster("a"), cluster("new"), cluster("newer")])
    s.expect_none()
    s.close()


def test_39_initial_resource_versions(server, node_id):
    server.write(node_id, [cluster("same"), cluster("changed"), cluster("gone")])
    s = dstream(server)
    s.send(node=node(node_id), type_url=CDS)
    r = s.recv()
    s.close()
    server.write(node_id, [cluster("same"), cluster("changed", timeout="4s")])
    s = dstream(server)
    s.send(node=node(node_id), type_url=CDS, initial_resource_versions=r.versions)
    r2 = s.recv()
    assert r2.names == ["changed"] and r2.removed == ["gone"]
    s.close()


def test_40_fast_not_found(server, node_id):
    server.write(node_id, [cla("a")])
    s = dstream(server)
    s.send(node=node(node_id), type_url=EDS, resource_names_subscribe=["missing"])
    r = s.recv()
    assert r.removed == ["missing"] and r.names == []
    dack(s, r)
    s.expect_none()
    server.write(node_id, [cla("a"), cla("missing")])
    assert s.recv().names == ["missing"]
    s.close()


def test_41_leds_glob_collections():
    pytest.skip("deferred (allowed by the issue): LEDS glob collections are not implemented")


def test_42_vhds_unknown_host():
    pytest.skip("deferred (allowed by the issue): VHDS on-demand virtual hosts are not implemented")


def test_43_vhds_parent_change():
    pytest.skip("deferred (allowed by the issue): VHDS on-demand virtual hosts are not implemented")


def test_per_type_delta_service(server, node_id):
    server.write(node_id, [cluster("a")])
    s = server.stream(method=PER_TYPE[CDS][1], delta=True)
    s.send(node=node(node_id))
    r = s.recv()
    assert r.type_url == CDS and r.names == ["a"]
    s.close()
