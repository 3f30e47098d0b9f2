"""§6 cases 7–13: SotW ACK/NACK and nonces."""
from xds_harness import CDS, EDS, LDS, cla, cluster, listener, node, csds_statuses, wait_for


def setup_eds(server, node_id, names=("a", "b")):
    server.write(node_id, [cluster(n) for n in names] + [cla(n) for n in names])
    s = server.stream()
    return s


def test_07_ack_produces_nothing(server, node_id):
    s = setup_eds(server, node_id)
    s.send(node=node(node_id), type_url=CDS)
    r = s.recv()
    s.ack(r, names=[])
    s.send(type_url=EDS, resource_names=["a", "b"])
    e = s.recv()
    s.ack(e)
    s.expect_none()
    s.close()


def test_08_nack_no_resend(server, node_id):
    s = setup_eds(server, node_id)
    s.send(node=node(node_id), type_url=EDS, resource_names=["a"])
    r = s.recv()
    s.ack(r)
    server.write(node_id, [cluster("a"), cluster("b"), cla("a", port=1), cla("b")])
    bad = s.recv()
    s.nack(bad, ["a"], accepted_version=r.version)
    s.expect_none(1.0)
    # An unrelated change of another type does not resend the rejected EDS version either.
    server.write(node_id, [cluster("a", timeout="3s"), cluster("b"), cla("a", port=1), cla("b")])
    s.expect_none(1.0)
    # A content change of the type is sent.
    server.write(node_id, [cluster("a", timeout="3s"), cluster("b"), cla("a", port=2), cla("b")])
    nxt = s.recv()
    assert nxt.names == ["a"] and nxt.resources["a"].endpoints[0].lb_endpoints[0].endpoint.address.socket_address.port_value == 2
    s.close()


def test_09_nack_with_new_names(server, node_id):
    s = setup_eds(server, node_id, names=("a", "b", "c"))
    s.send(node=node(node_id), type_url=EDS, resource_names=["a", "b"])
    r = s.recv()
    assert r.names == ["a", "b"]
    s.nack(r, ["a", "b", "c"])
    r2 = s.recv()
    assert r2.names == ["c"], "only the newly named resource, not the rejected set"
    s.expect_none()
    s.close()


def test_10_stale_nonce_ignored(server, node_id):
    s = setup_eds(server, node_id)
    s.send(node=node(node_id), type_url=EDS, resource_names=["a"])
    r1 = s.recv()
    server.write(node_id, [cluster("a"), cluster("b"), cla("a", port=5), cla("b")])
    r2 = s.recv()
    # Requests carrying the older nonce: neither ACK nor NACK, no resend.
    s.nack(r1, ["a"], message="stale nack")
    s.send(type_url=EDS, version_info="", response_nonce=r1.nonce, resource_names=["a"])
    s.expect_none()
    st = csds_statuses(server.csds(node_id))
    assert st[(EDS, "a")][0] == "STALE", st
    assert not [e for e in server.events("nack") if e["node"] == node_id]
    s.ack(r2)
    assert wait_for(lambda: csds_statuses(server.csds(node_id))[(EDS, "a")][0] == "SYNCED")
    s.close()


def test_11_first_request_any_nonce(server, node_id):
    s = setup_eds(server, node_id)
    s.send(node=node(node_id), type_url=CDS, response_nonce="nonce-from-a-previous-stream", version_info="old")
    assert s.recv().names == ["a", "b"]
    s.send(type_url=EDS, response_nonce="999", resource_names=["a"])
    assert s.recv().names == ["a"]
    s.close()


def test_12_reconnect_same_version_resends(server, node_id):
    s = setup_eds(server, node_id)
    s.send(node=node(node_id), type_url=EDS, resource_names=["a", "b"])
    r = s.recv()
    s.ack(r)
    s.close()
    s2 = server.stream()
    s2.send(node=node(node_id), type_url=EDS, version_info=r.version, response_nonce=r.nonce, resource_names=["a", "b"])
    r2 = s2.recv()
    assert r2.names == ["a", "b"] and r2.version == r.version
    s2.close()


def test_13_csds_error_then_synced(server, node_id):
    server.write(node_id, [listener("l1")])
    s = server.stream()
    s.send(node=node(node_id), type_url=LDS)
    r = s.recv()
    s.ack(r, names=[])
    assert wait_for(lambda: csds_statuses(server.csds(node_id))[(LDS, "l1")][0] == "SYNCED")
    server.write(node_id, [listener("l1", port=9001)])
    bad = s.recv()
    s.nack(bad, [], accepted_version=r.version, message="listener l1: port in use")
    def errored():
        st = csds_statuses(server.csds(node_id)).get((LDS, "l1"))
        return st and st[0] == "ERROR" and st[1].error_state.details == "listener l1: port in use" and st
    st = wait_for(errored)
    assert st, csds_statuses(server.csds(node_id))
    assert st[1].error_state.HasField("last_update_attempt")
    server.write(node_id, [listener("l1", port=9002)])
    good = s.recv()
    s.ack(good, names=[])
    assert wait_for(lambda: csds_statuses(server.csds(node_id))[(LDS, "l1")][0] == "SYNCED")
    s.close()
