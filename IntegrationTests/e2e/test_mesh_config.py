"""`aeraki serve --mesh-config FILE`: istiod's mesh settings shape what a connected sidecar gets,
and an edit of the file regenerates and pushes (a bad edit is reported and changes nothing)."""
import os

import pytest
from envoy.extensions.filters.network.tcp_proxy.v3 import tcp_proxy_pb2

from e2e_harness import LDS, RDS, Aeraki, Sidecar, copy_examples, sidecar_node, wait_for


@pytest.fixture
def mesh(tmp_path):
    config = tmp_path / "mesh"
    copy_examples(config)
    mesh_config = tmp_path / "meshconfig"
    aeraki = Aeraki(config_dir=str(config), extra=("--mesh-config", str(mesh_config)))
    yield aeraki, mesh_config
    aeraki.stop()


def write_atomically(path, text):
    tmp = path.parent / ("." + path.name + ".tmp")
    tmp.write_text(text)
    os.replace(tmp, path)


def tcp_proxies(sidecar):
    found = {}
    for name, listener in sidecar.latest[LDS].resources.items():
        chains = list(listener.filter_chains)
        if listener.HasField("default_filter_chain"):
            chains.append(listener.default_filter_chain)
        for chain in chains:
            for f in chain.filters:
                if f.name == "envoy.filters.network.tcp_proxy":
                    proxy = tcp_proxy_pb2.TcpProxy()
                    f.typed_config.Unpack(proxy)
                    found[f"{name}/{chain.name or 'default'}"] = proxy
    return found


def test_mesh_config_edits_regenerate_and_reach_the_sidecar(mesh):
    aeraki, mesh_config = mesh
    assert wait_for(lambda: aeraki.get("/readyz")[0] == 200), aeraki.logs()
    sidecar = Sidecar(aeraki.channel, sidecar_node())
    try:
        sidecar.sync()
        before = tcp_proxies(sidecar)
        assert before and not any(p.access_log for p in before.values())
        fallthrough = [p for k, p in before.items() if k.startswith("virtualOutbound/") and "blackhole" not in k]
        assert fallthrough and fallthrough[0].cluster == "PassthroughCluster", before.keys()

        write_atomically(mesh_config, "accessLogFile: /dev/stdout\noutboundTrafficPolicy: {mode: REGISTRY_ONLY}\n")

        def updated():
            sidecar.sync(quiet=0.3, timeout=3)
            proxies = tcp_proxies(sidecar)
            logged = [p for k, p in proxies.items() if not k.startswith("virtualOutbound/") and p.access_log]
            blackholed = [p for k, p in proxies.items() if k.startswith("virtualOutbound/") and "blackhole" not in k
                          and p.cluster == "BlackHoleCluster"]
            return logged and blackholed
        assert wait_for(updated, timeout=10), aeraki.logs()

        # A mesh config that does not parse is reported; the last good one stays in effect.
        version = sidecar.versions[LDS]
        write_atomically(mesh_config, "outboundTrafficPolicy: {mode: SOMETIMES}\n")
        problems = wait_for(lambda: [p for p in aeraki.json("/debug/configz")["rejected"]
                                     if p["field"] == "outboundTrafficPolicy.mode"], timeout=5)
        assert problems, aeraki.json("/debug/configz")
        sidecar.sync(quiet=0.5, timeout=2)
        assert sidecar.versions[LDS] == version

        # Removing the file means Istio's defaults again.
        os.remove(mesh_config)
        def restored():
            sidecar.sync(quiet=0.3, timeout=3)
            proxies = tcp_proxies(sidecar)
            return not any(p.access_log for p in proxies.values())
        assert wait_for(restored, timeout=10), aeraki.logs()
        assert not [p for p in aeraki.json("/debug/configz")["rejected"] if p["field"] == "outboundTrafficPolicy.mode"]
    finally:
        sidecar.close()


def http_state(sidecar):
    """(ratings' route retry policy in route configuration "9080", the 0.0.0.0_9080 HCM's tracing or None)."""
    from envoy.extensions.filters.network.http_connection_manager.v3 import http_connection_manager_pb2
    hcm = http_connection_manager_pb2.HttpConnectionManager()
    sidecar.latest[LDS].resources["0.0.0.0_9080"].filter_chains[0].filters[0].typed_config.Unpack(hcm)
    routes = sidecar.latest[RDS].resources["9080"]
    ratings = next(v for v in routes.virtual_hosts if v.name.startswith("ratings.bookinfo.svc.cluster.local"))
    return ratings.routes[0].route.retry_policy, (hcm.tracing if hcm.HasField("tracing") else None)


def test_mesh_default_retries_and_tracing_reach_http_routes_and_connection_managers(mesh):
    aeraki, mesh_config = mesh
    assert wait_for(lambda: aeraki.get("/readyz")[0] == 200), aeraki.logs()
    sidecar = Sidecar(aeraki.channel, sidecar_node())
    try:
        sidecar.sync()
        sidecar.stream.send(type_url=RDS, resource_names=["9080"])
        sidecar.sync()
        retry, tracing = http_state(sidecar)
        assert retry.num_retries.value == 2 and tracing.random_sampling.value == 1.0

        write_atomically(mesh_config, "defaultHttpRetryPolicy: {attempts: 5, retryOn: connect-failure}\n"
                                      "defaultConfig: {tracing: {sampling: 30}}\n")

        def applied():
            sidecar.sync(quiet=0.3, timeout=3)
            retry, tracing = http_state(sidecar)
            return retry.num_retries.value == 5 and retry.retry_on == "connect-failure" and tracing.random_sampling.value == 30
        assert wait_for(applied, timeout=10), (http_state(sidecar), aeraki.logs()[-2000:])

        write_atomically(mesh_config, "enableTracing: false\ndefaultHttpRetryPolicy: {attempts: 0}\n")

        def off():
            sidecar.sync(quiet=0.3, timeout=3)
            retry, tracing = http_state(sidecar)
            return tracing is None and retry.num_retries.value == 0 and not retry.retry_on
        assert wait_for(off, timeout=10), http_state(sidecar)
    finally:
        sidecar.close()
