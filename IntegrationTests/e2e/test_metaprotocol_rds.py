"""MetaProtocol routes over the proxy's own ADS stream, end to end: `aeraki serve` on a YAML directory,
a sidecar that announces the meta_protocol_proxy capability, and a MetaRouter edit that reaches it as
an RDS update while its listener stays as it was (SotW: no LDS push; delta: the same listener version)."""
import os
import sys
import time

import pytest

from e2e_harness import CDS, DELTA_ADS, LDS, RDS, Aeraki, Sidecar, Stream, sidecar_node

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "generated-config"))
import config_validator  # noqa: E402  (registers the MetaProtocol types from proto/)

HOST = "org.apache.dubbo.samples.basic.api.demoservice"
LISTENER = "240.240.0.1_20880"
ROUTE = f"{HOST}_20880"
MPP = "type.googleapis.com/aeraki.meta_protocol_proxy.v1alpha.MetaProtocolProxy"

MESH = f"""apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {{name: demoservice, namespace: meta}}
spec:
  hosts: [{HOST}]
  addresses: [240.240.0.1]
  ports: [{{number: 20880, name: tcp-metaprotocol-dubbo, protocol: TCP}}]
  resolution: STATIC
  endpoints:
  - {{address: 10.0.2.1, labels: {{version: v1}}}}
  - {{address: 10.0.2.2, labels: {{version: v2}}}}
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {{name: demoservice, namespace: meta}}
spec:
  host: {HOST}
  subsets: [{{name: v1, labels: {{version: v1}}}}, {{name: v2, labels: {{version: v2}}}}]
"""


def router(subset):
    return f"""apiVersion: metaprotocol.aeraki.io/v1alpha1
kind: MetaRouter
metadata: {{name: demoservice, namespace: meta}}
spec:
  hosts: [{HOST}]
  routes:
  - name: pinned
    match: {{attributes: {{method: {{exact: sayHello}}}}}}
    route: [{{destination: {{host: {HOST}, subset: {subset}}}}}]
"""


def write_atomically(path, text):
    tmp = path.parent / ("." + path.name + ".tmp")
    tmp.write_text(text)
    os.replace(tmp, path)


@pytest.fixture
def mesh(tmp_path):
    config = tmp_path / "mesh"
    config.mkdir()
    (config / "mesh.yaml").write_text(MESH)
    (config / "router.yaml").write_text(router("v1"))
    aeraki = Aeraki(config_dir=str(config))
    yield aeraki, config
    aeraki.stop()


def capable_node(pod):
    node = sidecar_node(pod=pod, namespace="meta", ip="10.1.0.7")
    node.metadata.update({"AERAKI_CAPABILITIES": "meta_protocol_proxy"})
    return node


def meta_proxy(listener):
    """The MetaProtocolProxy of a listener's (single) filter chain."""
    typed = listener.filter_chains[0].filters[0].typed_config
    assert typed.type_url == MPP, typed.type_url
    proxy = config_validator._message_class(MPP)()
    proxy.ParseFromString(typed.value)
    return proxy


def routed_cluster(route_config):
    routes = route_config.virtual_hosts[0].routes
    assert [r.name for r in routes] == ["pinned"]
    return routes[0].route.cluster


def pump_until(sidecar, predicate, timeout=5.0):
    """Pumps responses until `predicate(responses so far)`; returns them."""
    got = []
    deadline = time.time() + timeout
    while not predicate(got):
        assert time.time() < deadline, f"timed out; got {got}"
        got.append(sidecar.pump(timeout=max(0.1, deadline - time.time())))
    return got


def test_metarouter_edit_reaches_the_sidecar_as_rds_on_its_ads_stream(mesh):
    aeraki, config = mesh
    sidecar = Sidecar(aeraki.channel, capable_node("consumer-1"))
    try:
        sidecar.sync()
        listener = sidecar.latest[LDS].resources[LISTENER]
        proxy = meta_proxy(listener)
        assert proxy.rds.route_config_name == ROUTE
        assert proxy.rds.config_source.HasField("ads")
        lds_version = sidecar.versions[LDS]

        # The proxy asks for its route configuration on the same stream, as meta_protocol_proxy does.
        sidecar.stream.send(type_url=RDS, resource_names=[ROUTE])
        got = pump_until(sidecar, lambda got: any(r.type_url == RDS for r in got))
        rds = [r for r in got if r.type_url == RDS][-1]
        assert routed_cluster(rds.resources[ROUTE]) == f"outbound|20880|v1|{HOST}"
        rds_version = rds.version

        write_atomically(config / "router.yaml", router("v2"))
        got = pump_until(sidecar, lambda got: any(r.type_url == RDS for r in got))
        sidecar.sync(quiet=0.5)
        assert not any(r.type_url in (LDS, CDS) for r in got), f"the edit pushed more than routes: {got}"
        assert sidecar.versions[LDS] == lds_version
        update = sidecar.latest[RDS]
        assert update.version != rds_version
        assert routed_cluster(update.resources[ROUTE]) == f"outbound|20880|v2|{HOST}"
    finally:
        sidecar.close()


def test_delta_stream_gets_the_route_change_with_the_listener_version_unchanged(mesh):
    aeraki, config = mesh
    node = capable_node("consumer-2")
    stream = Stream(aeraki.channel, method=DELTA_ADS, delta=True)
    try:
        stream.send(node=node, type_url=LDS, resource_names_subscribe=["*"])
        lds = stream.recv(timeout=5)
        stream.send(type_url=LDS, response_nonce=lds.nonce)
        listener_version = lds.versions[LISTENER]
        assert meta_proxy(lds.resources[LISTENER]).rds.route_config_name == ROUTE

        stream.send(type_url=RDS, resource_names_subscribe=[ROUTE])
        rds = stream.recv(timeout=5)
        assert rds.type_url == RDS and routed_cluster(rds.resources[ROUTE]).startswith("outbound|20880|v1|")
        stream.send(type_url=RDS, response_nonce=rds.nonce)
        route_version = rds.versions[ROUTE]

        write_atomically(config / "router.yaml", router("v2"))
        update = stream.recv(timeout=5)
        assert update.type_url == RDS, f"expected only the route to change, got {update}"
        assert update.versions[ROUTE] != route_version
        assert routed_cluster(update.resources[ROUTE]).startswith("outbound|20880|v2|")
        stream.send(type_url=RDS, response_nonce=update.nonce)
        stream.expect_none(timeout=0.8)  # no listener update follows

        # A new subscriber sees the listener at the version it had before the edit.
        again = Stream(aeraki.channel, method=DELTA_ADS, delta=True)
        try:
            again.send(node=capable_node("consumer-3"), type_url=LDS, resource_names_subscribe=["*"])
            assert again.recv(timeout=5).versions[LISTENER] == listener_version
        finally:
            again.close()
    finally:
        stream.close()
