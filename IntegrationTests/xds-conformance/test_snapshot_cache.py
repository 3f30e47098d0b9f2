"""§6 cases 46–52: snapshot and cache behaviour."""
import json
import threading
import time

from xds_harness import CDS, EDS, LDS, cla, cluster, listener, node, route, wait_for


def test_46_unchanged_content_sends_nothing(server, node_id):
    server.write(node_id, [cluster("a"), cla("a")])
    s = server.stream()
    s.send(node=node(node_id), type_url=CDS)
    r = s.recv()
    s.ack(r, names=[])
    # The same content in another format (YAML) and file: the folder's label changes, content does not.
    server.write(node_id, None, filename="resources.json", raw=json.dumps({"resources": []}), wait=False)
    server.write(node_id, None, filename="same.yaml",
                 raw="resources:\n- '@type': type.googleapis.com/envoy.config.cluster.v3.Cluster\n  name: a\n"
                     "  connect_timeout: 1s\n  type: EDS\n  eds_cluster_config: {eds_config: {ads: {}}}\n"
                     "- '@type': type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment\n"
                     "  cluster_name: a\n  endpoints: [{lb_endpoints: [{endpoint: {address: {socket_address: "
                     "{address: 127.0.0.1, port_value: 8080}}}}]}]\n")
    s.expect_none(1.0)
    s.close()


def test_47_changed_content_always_pushes(server, node_id):
    server.write(node_id, [cluster("a")])
    s = server.stream()
    s.send(node=node(node_id), type_url=CDS)
    v1 = s.recv()
    s.ack(v1, names=[])
    server.write(node_id, [cluster("a", timeout="2s")])
    v2 = s.recv()
    assert v2.version != v1.version
    s.ack(v2, names=[])
    # Going back to the first content gives back the first version: versions come from content.
    server.write(node_id, [cluster("a")])
    v3 = s.recv()
    assert v3.version == v1.version
    s.close()


def test_48_consistency_check_warns(server, node_id):
    server.write(node_id, [cluster("c1"), cla("other"), listener("l1", route="r-missing")])
    text = wait_for(lambda: node_id in server.stderr_text() and server.stderr_text())
    assert "inconsistent" in text and "r-missing" in text and "c1" in text
    s = server.stream()
    s.send(node=node(node_id), type_url=CDS)
    assert s.recv().names == ["c1"], "an inconsistent snapshot is still served"
    s.close()


def test_48b_api_listener_route_counts_as_referenced(server, node_id):
    """A proxyless gRPC API listener's connection manager refers to its RDS route like a chain's does."""
    api = {"@type": LDS, "name": "reviews.demo.svc.cluster.local:9080",
           "api_listener": {"api_listener": listener("x", route="r-api")["filter_chains"][0]["filters"][0]["typed_config"]}}
    marker = node_id + "-marker"
    server.write(node_id, [cluster("c"), cla("c"), api, route("r-api", cluster_name="c")])
    server.write(marker, [cluster("m1"), listener("l1", route="r-marker")])
    wait_for(lambda: marker in server.stderr_text())
    text = server.stderr_text()
    assert "r-api" not in text, text
    assert f"snapshot {node_id} is inconsistent" not in text, text


def big_clusters(n, v):
    return [dict(cluster(f"c{i:03d}", timeout=f"{v + 1}s"), alt_stat_name=("x" * 2000) + str(v)) for i in range(n)]


def test_49_stuck_stream_does_not_delay_others(server, node_id):
    stuck_node, fast_node = node_id + "-stuck", node_id + "-fast"
    server.write(stuck_node, big_clusters(150, 0))
    server.write(fast_node, [cluster("a")])
    ch = server.slow_channel()
    stuck = server.stream(paused=True, channel=ch)
    stuck.send(node=node(stuck_node), type_url=CDS)
    # A second stream of the same node that also never reads.
    stuck2 = server.stream(paused=True, channel=ch)
    stuck2.send(node=node(stuck_node), type_url=CDS)
    fast = server.stream()
    fast.send(node=node(fast_node), type_url=CDS)
    r = fast.recv()
    fast.ack(r, names=[])
    for v in range(1, 6):
        server.write(stuck_node, big_clusters(150, v))
        t0 = time.time()
        server.write(fast_node, [cluster("a", timeout=f"{v + 1}s")])
        r = fast.recv(timeout=2.0)
        assert r.resources["a"].connect_timeout.seconds == v + 1
        fast.ack(r, names=[])
        assert time.time() - t0 < 2.0
    stuck.resume()
    stuck2.resume()
    for s in (stuck, stuck2):
        last = None
        while True:
            try:
                last = s.recv(timeout=1.5)
            except AssertionError:
                break
        assert last is not None and last.resources["c000"].alt_stat_name.endswith("5")
        s.close()
    fast.close()
    ch.close()


def test_50_concurrent_nodes_get_latest_once(server, node_id):
    n = 60
    ids = [f"{node_id}-{i}" for i in range(n)]
    for i, nid in enumerate(ids):
        server.write(nid, [cluster("a", timeout="1s")], wait=False)
    streams = {}

    def open_stream(nid):
        s = server.stream()
        s.send(node=node(nid), type_url=CDS)
        streams[nid] = s

    threads = [threading.Thread(target=open_stream, args=(nid,)) for nid in ids]
    for t in threads:
        t.start()
    for v in range(2, 5):  # snapshots change while streams are being created
        for nid in ids:
            server.write(nid, [cluster("a", timeout=f"{v}s")], wait=False)
        time.sleep(0.03)
    for t in threads:
        t.join()
    before = len(server.events("reload"))
    server.wait_reload(before - 1)
    time.sleep(0.5)
    for nid, s in streams.items():
        seen = []
        while True:
            try:
                seen.append(s.recv(timeout=0.5))
            except AssertionError:
                break
        assert seen, nid
        assert seen[-1].resources["a"].connect_timeout.seconds == 4, (nid, seen)
        versions = [r.version for r in seen]
        assert len(versions) == len(set(versions)), f"a snapshot was delivered twice to {nid}: {versions}"
        s.close()


def test_51_shared_resources_serialized_once(server, node_id):
    resources = [cluster(f"shared-{i}") for i in range(10)]
    server.write(node_id + "-0", resources)
    base = server.events("reload")[-1]["serializations"]
    for i in range(1, 21):
        server.write(f"{node_id}-{i}", resources, wait=False)
    before = len(server.events("reload"))
    server.write(node_id + "-21", resources)
    assert server.events("reload")[-1]["serializations"] == base, "identical files for 22 nodes: no new serialization"
    server.write(node_id + "-22", resources + [cluster("one-more")])
    assert server.events("reload")[-1]["serializations"] == base + 11  # a new file content: 11 resources, once each


def test_52_status_dropped_after_disconnect_storm(server, node_id):
    ids = [f"{node_id}-{i}" for i in range(40)]
    for nid in ids:
        server.write(nid, [cluster("a"), cla("a")], wait=False)
    server.write(ids[0], [cluster("a"), cla("a")])
    baseline = server.pid_rss_kib()
    streams = []
    for nid in ids:
        for _ in range(3):
            s = server.stream()
            s.send(node=node(nid), type_url=CDS)
            s.send(type_url=EDS, resource_names=["a"])
            streams.append(s)
    for s in streams:
        s.recv()
        s.recv()
    assert len([c for c in server.csds().config if c.node.id.startswith(node_id)]) == 40
    for s in streams:
        s.close()
    assert wait_for(lambda: not [c for c in server.csds().config if c.node.id.startswith(node_id)])
    after = server.pid_rss_kib()
    assert after < baseline + 20 * 1024, (baseline, after)
