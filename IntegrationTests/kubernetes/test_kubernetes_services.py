"""`aeraki serve --kubeconfig --kubernetes-istio-kinds` against the fake Kubernetes API server:
Services, EndpointSlices and Pods become ServiceEntries `synthetic-<service>` that reach a connected
sidecar's clusters and endpoints; a slice change is an endpoints-only push (EDS alone); a deleted
Service takes its cluster and endpoints away; a relist after 410 Gone keeps what did not change."""
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "e2e"))
from e2e_harness import CDS, EDS, LDS, Sidecar, sidecar_node, wait_for  # noqa: E402
from test_kubernetes_source import cluster, resources  # noqa: E402,F401

HOST = "reviews.demo.svc.cluster.local"
CLUSTER = f"outbound|9080||{HOST}"
SE = "networking.istio.io/ServiceEntry"


def service(name="reviews"):
    return {"apiVersion": "v1", "kind": "Service", "metadata": {"name": name, "namespace": "demo"},
            "spec": {"type": "ClusterIP", "clusterIP": "10.96.0.20", "clusterIPs": ["10.96.0.20"],
                     "ports": [{"name": "http", "port": 9080, "targetPort": 9080, "protocol": "TCP"}]}}


def endpoint_slice(ips, name="reviews-x1"):
    return {"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
            "metadata": {"name": name, "namespace": "demo", "labels": {"kubernetes.io/service-name": "reviews"}},
            "addressType": "IPv4", "ports": [{"name": "http", "port": 9080, "protocol": "TCP"}],
            "endpoints": [{"addresses": [ip], "conditions": {"ready": True},
                           "targetRef": {"kind": "Pod", "name": f"reviews-{version}", "namespace": "demo"}}
                          for ip, version in ips]}


def pod(version, ip):
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": f"reviews-{version}", "namespace": "demo",
                                                          "labels": {"app": "reviews", "version": version}},
            "spec": {"serviceAccountName": "reviews"}, "status": {"podIP": ip}}


def subsets_rule():
    return {"apiVersion": "networking.istio.io/v1", "kind": "DestinationRule",
            "metadata": {"name": "reviews", "namespace": "demo"},
            "spec": {"host": HOST, "subsets": [{"name": "v1", "labels": {"version": "v1"}},
                                               {"name": "v2", "labels": {"version": "v2"}}]}}


def endpoints(sidecar, cluster_name=CLUSTER):
    eds = sidecar.latest.get(EDS)
    assignment = eds.resources.get(cluster_name) if eds else None
    if assignment is None:
        return None
    return sorted(f"{lb.endpoint.address.socket_address.address}:{lb.endpoint.address.socket_address.port_value}"
                  for group in assignment.endpoints for lb in group.lb_endpoints)


def pumped_until(sidecar, predicate, timeout=10):
    """Pumps responses until `predicate()` holds; returns the type URLs received meanwhile."""
    seen = []
    deadline = time.time() + timeout
    while time.time() < deadline and not predicate():
        try:
            seen.append(sidecar.pump(timeout=0.5).type_url)
        except AssertionError as e:
            if "no response" not in str(e):
                raise
    assert predicate(), f"not reached; received {seen}"
    return seen


def test_services_and_slices_reach_a_sidecar_and_scaling_is_an_endpoints_only_push(cluster):  # noqa: F811
    api, serve = cluster
    api.apply(service())
    api.apply(pod("v1", "10.1.0.11"))
    api.apply(pod("v2", "10.1.0.12"))
    api.apply(endpoint_slice([("10.1.0.11", "v1")]))
    api.apply(subsets_rule())
    aeraki = serve("--kubernetes-istio-kinds")
    assert wait_for(lambda: "demo/synthetic-reviews" in resources(aeraki, SE), timeout=10), aeraki.logs()
    assert wait_for(lambda: aeraki.get("/readyz")[0] == 200, timeout=10)

    sidecar = Sidecar(aeraki.channel, sidecar_node(pod="productpage-1", namespace="demo", ip="10.1.0.5"))
    try:
        pumped_until(sidecar, lambda: endpoints(sidecar) == ["10.1.0.11:9080"])
        assert CLUSTER in sidecar.cluster_names()
        assert f"outbound|9080|v1|{HOST}" in sidecar.cluster_names()
        # The DestinationRule subset selects by the Pod's `version` label.
        pumped_until(sidecar, lambda: endpoints(sidecar, f"outbound|9080|v1|{HOST}") == ["10.1.0.11:9080"])
        assert endpoints(sidecar, f"outbound|9080|v2|{HOST}") == []
        # Every response of the initial sync is in before the scale-up, on a loaded machine too.
        sidecar.sync(quiet=2.0, timeout=30)

        # Scale up: only EDS is pushed, and the server applied it as an endpoints-only change.
        api.apply(endpoint_slice([("10.1.0.11", "v1"), ("10.1.0.12", "v2")]))
        seen = pumped_until(sidecar, lambda: endpoints(sidecar) == ["10.1.0.11:9080", "10.1.0.12:9080"])
        seen += [r.type_url for r in sidecar.sync(quiet=0.5)]
        assert set(seen) == {EDS}, seen
        assert endpoints(sidecar, f"outbound|9080|v2|{HOST}") == ["10.1.0.12:9080"]
        assert '"config.endpoints_only": true' in aeraki.logs() or "config.endpoints_only=true" in aeraki.logs(), aeraki.logs()[-3000:]

        # A relist after 410 Gone keeps the entry, unchanged: nothing is pushed for it. (Without
        # bookmarks to move them on, the resumed watches are older than the compacted log.)
        api.bookmark_interval = 60
        api.drop_watches()
        time.sleep(0.3)
        api.apply(pod("unrelated", "10.1.0.99"))
        api.compact()
        api.drop_watches()
        relists = lambda: sum(1 for r in api.requests if r.startswith("GET /apis/discovery.k8s.io/v1/endpointslices") and "watch=true" not in r)  # noqa: E731
        assert wait_for(lambda: relists() >= 2, timeout=10), api.requests[-10:]
        assert "demo/synthetic-reviews" in resources(aeraki, SE)
        assert [r.type_url for r in sidecar.sync(quiet=0.5)] == []

        # Deleting the Service removes its cluster and its endpoints.
        api.delete("v1", "Service", "demo", "reviews")
        pumped_until(sidecar, lambda: CLUSTER not in sidecar.cluster_names())
        assert wait_for(lambda: "demo/synthetic-reviews" not in resources(aeraki, SE), timeout=10)
    finally:
        sidecar.close()


def test_headless_and_external_name_services(cluster):  # noqa: F811
    api, serve = cluster
    headless = service("ratings")
    headless["spec"].update(clusterIP="None", clusterIPs=["None"])
    external = {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "db", "namespace": "demo"},
                "spec": {"type": "ExternalName", "externalName": "db.example.com", "ports": [{"name": "tcp", "port": 5432}]}}
    portless = {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "bare", "namespace": "demo"},
                "spec": {"type": "ClusterIP", "clusterIP": "10.96.0.30"}}
    for obj in (headless, external, portless):
        api.apply(obj)
    aeraki = serve("--kubernetes-istio-kinds")
    assert wait_for(lambda: {"demo/synthetic-ratings", "demo/synthetic-db"} <= set(resources(aeraki, SE)), timeout=10), aeraki.logs()
    entries = resources(aeraki, SE)
    from test_kubernetes_source import spec
    assert spec(entries["demo/synthetic-ratings"]).get("resolution", "NONE") == "NONE"  # proto3 JSON omits the zero value
    assert "addresses" not in spec(entries["demo/synthetic-ratings"])
    db = spec(entries["demo/synthetic-db"])
    assert db["resolution"] == "DNS" and db["endpoints"] == [{"address": "db.example.com"}]
    assert "demo/synthetic-bare" not in entries
    assert "Kubernetes Service not in the mesh" in aeraki.logs() and "demo/bare" in aeraki.logs()
