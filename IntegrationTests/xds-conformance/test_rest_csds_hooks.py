"""§6 cases 53–55: REST, CSDS and hooks."""
import grpc
import pytest

from google.rpc import status_pb2
from envoy.service.status.v3 import csds_pb2
from xds_harness import CDS, CSDS_STREAM, EDS, LDS, cla, cluster, listener, node, csds_statuses, wait_for


def test_53_rest_fetch():
    pytest.skip("does not apply: the issue scopes the xDS servers to gRPC (ADS, delta, per-type, CSDS); "
                "there is no REST-JSON/HTTP gateway in this layer")


def test_54_csds_fetch_with_node_matcher(server, node_id):
    other = node_id + "-other"
    server.write(node_id, [cluster("c1"), cla("a"), listener("l1")])
    server.write(other, [cluster("c9")])
    s = server.stream()
    s.send(node=node(node_id), type_url=CDS)
    c = s.recv()
    s.ack(c, names=[])  # CDS: SYNCED
    s.send(type_url=EDS, resource_names=["a", "missing"])
    s.recv()  # EDS a: sent, not ACKed -> STALE; missing -> NOT_SENT
    s.send(type_url=LDS)
    l = s.recv()
    s.nack(l, [], message="bad listener")  # LDS l1 -> ERROR
    o = server.stream()
    o.send(node=node(other), type_url=CDS)
    o.recv()

    def statuses():
        resp = server.csds(node_id)
        return len(resp.config) == 1 and resp.config[0].node.id == node_id and csds_statuses(resp)
    st = wait_for(lambda: (statuses() or {}).get((LDS, "l1"), ("",))[0] == "ERROR" and statuses())
    assert st, statuses()
    assert {k: v[0] for k, v in st.items()} == {
        (CDS, "c1"): "SYNCED", (EDS, "a"): "STALE", (EDS, "missing"): "NOT_SENT", (LDS, "l1"): "ERROR"}
    assert st[(LDS, "l1")][1].error_state.details == "bad listener"
    assert st[(CDS, "c1")][1].version_info == c.version
    assert st[(CDS, "c1")][1].xds_config.type_url == CDS
    assert not server.csds(node_id, exclude=True).config[0].generic_xds_configs[0].HasField("xds_config")
    both = server.csds()
    ids = {cfg.node.id for cfg in both.config}
    assert {node_id, other} <= ids
    # The streaming variant answers each request.
    call = server.channel.stream_stream(CSDS_STREAM, request_serializer=csds_pb2.ClientStatusRequest.SerializeToString,
                                        response_deserializer=csds_pb2.ClientStatusResponse.FromString)
    req = csds_pb2.ClientStatusRequest()
    req.node_matchers.add().node_id.exact = other
    answers = list(call(iter([req, req]), timeout=5))
    assert len(answers) == 2 and all([cfg.node.id for cfg in a.config] == [other] for a in answers)
    s.close()
    o.close()


def test_55_hooks_fire_once_per_event(server, node_id):
    server.write(node_id, [cluster("c1"), cla("c1")])
    s = server.stream()
    s.send(node=node(node_id), type_url=CDS)
    c = s.recv()
    s.ack(c, names=[])
    s.send(type_url=EDS, resource_names=["c1"])
    e = s.recv()
    s.nack(e, ["c1"], message="nope")
    s.expect_none(0.5)
    s.close()

    def mine(kind):
        return [ev for ev in server.events(kind) if ev.get("node") == node_id]
    assert wait_for(lambda: len(mine("close")) == 1)
    stream_id = mine("close")[0]["stream"]
    assert len([ev for ev in server.events("open") if ev["stream"] == stream_id]) == 1
    assert [ev["kind"] for ev in mine("request")] == ["initial", "ack", "initial", "nack"]
    assert sorted(ev["nonce"] for ev in mine("response")) == sorted([c.nonce, e.nonce])
    assert [(ev["type_url"], ev["message"]) for ev in mine("nack")] == [(EDS, "nope")]
    # An error from the request hook ends the stream with that status.
    server.write("rejected-node", [cluster("c1")])
    r = server.stream()
    r.send(node=node("rejected-node"), type_url=CDS)
    assert r.wait_status() == grpc.StatusCode.PERMISSION_DENIED
