"""`aeraki serve` fed by the Python fake istiod over MCP, including an istiod restart."""
import time

import pytest

from e2e_harness import Aeraki, FakeIstiod, Sidecar, copy_examples, service_entry, sidecar_node, wait_for


@pytest.fixture
def istiod_mesh(tmp_path):
    config = tmp_path / "istiod"
    copy_examples(config)
    (config / "e2e-a.yaml").write_text(service_entry("e2e-a", "a.mcp.svc.cluster.local"))
    istiod = FakeIstiod(str(config))
    aeraki = Aeraki(istiod=istiod.address)
    state = {"istiod": istiod}
    yield aeraki, config, state
    aeraki.stop()
    state["istiod"].stop()


def has_host(sidecar, host):
    return any(host in name for name in sidecar.cluster_names())


def pump_until(sidecar, predicate, timeout):
    deadline = time.time() + timeout
    while not predicate() and time.time() < deadline:
        try:
            sidecar.pump(timeout=max(0.05, deadline - time.time()))
        except AssertionError:
            break
    return predicate()


def test_config_from_istiod_reaches_the_sidecar_and_survives_an_istiod_restart(istiod_mesh):
    aeraki, config, state = istiod_mesh
    assert wait_for(lambda: aeraki.get("/readyz")[0] == 200, timeout=10), aeraki.logs()
    configz = aeraki.json("/debug/configz")
    assert any(r["name"] == "e2e-a" and r["source"] for r in configz["resources"]), configz
    # examples/security.yaml arrives over MCP as security.istio.io kinds.
    assert any(r["kind"] == "security.istio.io/PeerAuthentication" and r["namespace"] == "dubbo" and "security.istio.io/" in r["source"]
               for r in configz["resources"]), configz
    sidecar = Sidecar(aeraki.channel, sidecar_node(pod="mcp-1", ip="10.2.0.5"))
    try:
        sidecar.sync()
        assert has_host(sidecar, "a.mcp.svc.cluster.local"), sidecar.cluster_names()

        # An istiod push reaches the sidecar within a second.
        (config / "e2e-b.yaml").write_text(service_entry("e2e-b", "b.mcp.svc.cluster.local", address="10.9.0.2"))
        started = time.time()
        state["istiod"].push()
        assert pump_until(sidecar, lambda: has_host(sidecar, "b.mcp.svc.cluster.local"), 5)
        assert time.time() - started < 1.0, f"{time.time() - started:.3f}s"

        # istiod goes away: Aeraki keeps serving the last config, stays ready, keeps the sidecar.
        port = state["istiod"].port
        state["istiod"].stop()
        time.sleep(0.5)
        assert aeraki.get("/readyz")[0] == 200
        assert sidecar.stream.error is None
        assert has_host(sidecar, "b.mcp.svc.cluster.local")

        # istiod comes back (same address) with more config: Aeraki reconnects and pushes it.
        (config / "e2e-c.yaml").write_text(service_entry("e2e-c", "c.mcp.svc.cluster.local", address="10.9.0.3"))
        state["istiod"] = FakeIstiod(str(config), port=port)
        assert pump_until(sidecar, lambda: has_host(sidecar, "c.mcp.svc.cluster.local"), 15), aeraki.logs()[-3000:]
        assert has_host(sidecar, "a.mcp.svc.cluster.local") and has_host(sidecar, "b.mcp.svc.cluster.local")
    finally:
        sidecar.close()
    assert aeraki.terminate() == 0
