"""§6 cases 1–6: stream basics."""
import grpc

from xds_harness import ADS, CDS, EDS, LDS, PER_TYPE, cla, cluster, listener, node, csds_statuses, wait_for


def test_01_first_request_answered_or_held(server, node_id):
    server.write(node_id, [cluster("c1"), cla("c1")])
    s = server.stream()
    s.send(node=node(node_id), type_url=CDS)
    assert s.recv().names == ["c1"]
    s.close()
    # A node with no snapshot (and no default folder): held until its snapshot is set.
    later = node_id + "-later"
    s = server.stream()
    s.send(node=node(later), type_url=CDS)
    s.expect_none()
    server.write(later, [cluster("c2")])
    assert s.recv().names == ["c2"]
    s.close()


def test_02_node_from_first_request(server, node_id):
    server.write(node_id, [cluster("c1"), cla("c1")])
    s = server.stream()
    s.send(node=node(node_id), type_url=CDS)
    r = s.recv()
    s.ack(r)
    s.send(type_url=EDS, resource_names=["c1"])  # no node on later requests
    assert s.recv().names == ["c1"]
    st = csds_statuses(server.csds(node_id))
    assert (EDS, "c1") in st
    s.close()


def test_03_missing_type_url(server, node_id):
    server.write(node_id, [cluster("c1")])
    s = server.stream()
    s.send(node=node(node_id), resource_names=[])
    assert s.wait_status() == grpc.StatusCode.INVALID_ARGUMENT
    # Per-type RPC: an empty type_url defaults to the RPC's type.
    s = server.stream(method=PER_TYPE[CDS][0])
    s.send(node=node(node_id))
    r = s.recv()
    assert r.type_url == CDS and r.names == ["c1"]
    s.close()


def test_04_unique_nonces_and_any_types(server, node_id):
    server.write(node_id, [cluster("c1"), cla("c1"), listener("l1")])
    s = server.stream()
    s.send(node=node(node_id), type_url=CDS)
    s.send(type_url=EDS, resource_names=["c1"])
    s.send(type_url=LDS)
    got = [s.recv() for _ in range(3)]
    assert sorted(r.type_url for r in got) == sorted([CDS, EDS, LDS])
    for i in range(3):
        server.write(node_id, [cluster("c1", timeout=f"{i + 2}s"), cla("c1", port=9000 + i), listener("l1", port=9100 + i)])
        for _ in range(3):
            s.recv()  # the harness asserts: fresh nonce, Any type == response type, decodes + validates
    assert len(s.nonces) == 12
    s.close()


def test_05_no_duplicate_names(server, node_id):
    server.write(node_id, [cluster("c1"), cluster("c2")])
    s = server.stream()
    s.send(node=node(node_id), type_url=CDS)
    assert s.recv().names == ["c1", "c2"]
    # A second file defining c1 again is rejected; the last good snapshot keeps serving.
    server.write(node_id, [cluster("c1", timeout="9s")], filename="dup.json")
    assert "duplicate" in server.stderr_text()
    s.expect_none()
    s.close()


def test_06_close_releases_stream_state(server, node_id):
    server.write(node_id, [cluster("c1")])
    streams = []
    for _ in range(3):
        s = server.stream()
        s.send(node=node(node_id), type_url=CDS)
        s.recv()
        streams.append(s)
    assert len(server.csds(node_id).config) == 1
    opened = {e["stream"] for e in server.events("request") if e["node"] == node_id}
    for s in streams:
        s.close()
    assert wait_for(lambda: len(server.csds(node_id).config) == 0)
    closed = {e["stream"] for e in server.events("close") if e["node"] == node_id}
    assert wait_for(lambda: opened <= {e["stream"] for e in server.events("close") if e["node"] == node_id}), (opened, closed)
