"""Dubbo and Thrift routes over ADS (drds / trds), end to end: a VirtualService edit reaches the
sidecar as a new route resource, and no listener is pushed (a listener replacement would drain
its connections)."""
import os

import pytest
from envoy.extensions.filters.network.dubbo_proxy.v3 import dubbo_proxy_pb2
from envoy.extensions.filters.network.thrift_proxy.v3 import thrift_proxy_pb2

from e2e_harness import LDS, Aeraki, Sidecar, copy_examples, sidecar_node, wait_for
from xds_harness import DRDS, TRDS

THRIFT_LISTENER = "10.96.0.20_9090"


@pytest.fixture
def mesh(tmp_path):
    config = tmp_path / "mesh"
    copy_examples(config)
    aeraki = Aeraki(config_dir=str(config))
    yield aeraki, config
    aeraki.stop()


def filter_config(listener, message):
    config = message()
    assert listener.filter_chains[0].filters[0].typed_config.Unpack(config)
    return config


def pump_until(sidecar, type_url, predicate=lambda resp: True, limit=20):
    """Pumps responses until one of `type_url` satisfies `predicate`; returns it and every type seen."""
    seen = []
    for _ in range(limit):
        resp = sidecar.pump(timeout=3.0)
        seen.append(resp.type_url)
        if resp.type_url == type_url and predicate(resp):
            return resp, seen
    raise AssertionError(f"no matching {type_url} response; saw {seen}")


def test_virtualservice_edit_updates_routes_and_leaves_listeners_alone(mesh):
    aeraki, config = mesh
    assert wait_for(lambda: aeraki.get("/readyz")[0] == 200), aeraki.logs()
    sidecar = Sidecar(aeraki.channel, sidecar_node())
    try:
        sidecar.sync()
        listeners = sidecar.latest[LDS].resources
        thrift = filter_config(listeners[THRIFT_LISTENER], thrift_proxy_pb2.ThriftProxy)
        assert thrift.HasField("trds") and not thrift.HasField("route_config")
        dubbo_listener = next(l for l in listeners.values()
                              if l.filter_chains and l.filter_chains[0].filters[0].name == "envoy.filters.network.dubbo_proxy")
        dubbo = filter_config(dubbo_listener, dubbo_proxy_pb2.DubboProxy)
        assert dubbo.HasField("drds")

        # Like Envoy: the filters subscribe to the route names they were given.
        sidecar.stream.send(type_url=TRDS, resource_names=[thrift.trds.route_config_name])
        sidecar.stream.send(type_url=DRDS, resource_names=[dubbo.drds.route_config_name])
        trds, _ = pump_until(sidecar, TRDS)
        drds, _ = pump_until(sidecar, DRDS)
        assert drds.names == [dubbo.drds.route_config_name]
        route = trds.resources[thrift.trds.route_config_name]
        assert [r.match.method_name for r in route.routes] == ["sayHelloV2", ""]
        sidecar.sync(quiet=0.3)
        lds_version = sidecar.versions[LDS]

        # Route sayHelloV3 too: only the Thrift route resource changes.
        path = config / "thrift.yaml"
        text = path.read_text()
        edited = text.replace("    - method: {exact: sayHelloV2}\n", "    - method: {exact: sayHelloV2}\n    - method: {exact: sayHelloV3}\n")
        assert edited != text
        tmp = path.parent / ".thrift.yaml.tmp"
        tmp.write_text(edited)
        os.replace(tmp, path)
        trds, seen = pump_until(sidecar, TRDS, lambda resp: resp.version != trds.version)
        route = trds.resources[thrift.trds.route_config_name]
        assert [r.match.method_name for r in route.routes] == ["sayHelloV2", "sayHelloV3", ""]
        sidecar.sync(quiet=0.5)
        assert LDS not in seen, seen
        assert sidecar.versions[LDS] == lds_version
    finally:
        sidecar.close()
