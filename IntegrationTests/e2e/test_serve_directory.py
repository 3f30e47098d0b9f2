"""`aeraki serve` on a YAML directory, end to end, with a simulated sidecar."""
import os
import time

import grpc
import pytest
from envoy.service.status.v3 import csds_pb2

from e2e_harness import CDS, DELTA_ADS, Aeraki, Sidecar, Stream, copy_examples, service_entry, sidecar_node, wait_for


@pytest.fixture
def mesh(tmp_path):
    config = tmp_path / "mesh"
    copy_examples(config)
    (config / "e2e-a.yaml").write_text(service_entry("e2e-a", "a.e2e.svc.cluster.local"))
    aeraki = Aeraki(config_dir=str(config))
    yield aeraki, config
    aeraki.stop()


def write_atomically(path, text):
    tmp = path.parent / ("." + path.name + ".tmp")
    tmp.write_text(text)
    os.replace(tmp, path)


def has_host(sidecar, host):
    return any(host in name for name in sidecar.cluster_names())


def test_sidecar_gets_full_config_acks_and_sees_edits_within_a_second(mesh):
    aeraki, config = mesh
    assert wait_for(lambda: aeraki.get("/readyz")[0] == 200), aeraki.logs()
    node = sidecar_node()
    sidecar = Sidecar(aeraki.channel, node)
    try:
        got = sidecar.sync()
        assert {r.type_url for r in got} >= {CDS}, got
        assert has_host(sidecar, "a.e2e.svc.cluster.local"), sidecar.cluster_names()
        # Every type the sidecar holds is ACKed, as the admin endpoint and CSDS report it.
        rows = wait_for(lambda: [r for r in aeraki.syncz(node.id)
                                 if r["types"] and all(t["state"] == "SYNCED" for t in r["types"])])
        assert rows, aeraki.json("/debug/syncz")
        assert rows[0]["stream"] == "SotW"
        status, table = aeraki.get("/debug/syncz?format=text")
        assert status == 200 and table.startswith("NAME") and node.id in table

        # A YAML edit reaches the sidecar within one second.
        started = time.time()
        write_atomically(config / "e2e-b.yaml", service_entry("e2e-b", "b.e2e.svc.cluster.local", address="10.9.0.2"))
        while not has_host(sidecar, "b.e2e.svc.cluster.local"):
            sidecar.pump(timeout=2.0)
        elapsed = time.time() - started
        assert elapsed < 1.0, f"edit took {elapsed:.3f}s to arrive"
        sidecar.sync(quiet=0.3)

        # The config dump shows the proxy's snapshot in Envoy's shape.
        status, _ = aeraki.get("/debug/config_dump?proxy=" + node.id.replace("~", "%7E"))
        assert status == 200
        dump = aeraki.json("/debug/config_dump?proxy=" + node.id)
        types = [c["@type"] for c in dump["configs"]]
        assert "type.googleapis.com/envoy.admin.v3.ClustersConfigDump" in types
        assert "b.e2e.svc.cluster.local" in str(dump)

        # Metrics count pushes and the connected proxy.
        status, metrics = aeraki.get("/metrics")
        assert 'aeraki_xds_pushes_total{type="cds"}' in metrics
        assert 'aeraki_xds_connected_streams{kind="sotw"} 1' in metrics
        assert 'aeraki_xds_connected_proxies 1' in metrics
        assert node.id not in metrics
    finally:
        sidecar.close()


def test_a_nack_shows_in_syncz_and_csds(mesh):
    aeraki, config = mesh
    node = sidecar_node(pod="nacker-1", ip="10.1.0.6")
    sidecar = Sidecar(aeraki.channel, node)
    try:
        sidecar.sync()
        write_atomically(config / "e2e-c.yaml", service_entry("e2e-c", "c.e2e.svc.cluster.local", address="10.9.0.3"))
        deadline = time.time() + 5
        nacked = None
        while nacked is None and time.time() < deadline:
            resp = sidecar.pump(timeout=2.0, nack=lambda r: "e2e: cluster rejected" if r.type_url == CDS else None)
            if resp.type_url == CDS:
                nacked = resp
        assert nacked is not None
        row = wait_for(lambda: [t for r in aeraki.syncz(node.id) for t in r["types"]
                                if t["type_url"] == CDS and t["nack_message"] == "e2e: cluster rejected"])
        assert row and row[0]["state"] == "NACKED", aeraki.json("/debug/syncz")
        status, table = aeraki.get("/debug/syncz", accept="text/plain")
        assert "NACKED" in table and "e2e: cluster rejected" in table
        errors = [g for c in aeraki.csds(node.id).config for g in c.generic_xds_configs
                  if g.config_status == csds_pb2.ERROR]
        assert errors and errors[0].error_state.details == "e2e: cluster rejected"
        _, metrics = aeraki.get("/metrics")
        assert 'aeraki_xds_nacks_total{type="cds"} 1' in metrics
    finally:
        sidecar.close()


def test_a_bad_yaml_file_is_reported_and_the_last_good_config_keeps_serving(mesh):
    aeraki, config = mesh
    node = sidecar_node(pod="steady-1", ip="10.1.0.7")
    sidecar = Sidecar(aeraki.channel, node)
    try:
        sidecar.sync()
        assert has_host(sidecar, "a.e2e.svc.cluster.local")
        write_atomically(config / "e2e-a.yaml", "apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata: [oops\n")
        configz = wait_for(lambda: [p for p in aeraki.json("/debug/configz")["rejected"] if "e2e-a.yaml" in p["source"]])
        assert configz, aeraki.json("/debug/configz")
        assert "e2e-a.yaml" in aeraki.logs()
        # No push takes a.e2e away; the proxy's snapshot still has it; still ready.
        sidecar.sync(quiet=0.5)
        assert has_host(sidecar, "a.e2e.svc.cluster.local")
        assert "a.e2e.svc.cluster.local" in str(aeraki.json("/debug/config_dump?proxy=" + node.id))
        assert aeraki.get("/readyz")[0] == 200
        _, metrics = aeraki.get("/metrics")
        assert "aeraki_config_rejected_resources 1" in metrics
        # Fixing the file clears the report.
        write_atomically(config / "e2e-a.yaml", service_entry("e2e-a", "a.e2e.svc.cluster.local"))
        assert wait_for(lambda: not [p for p in aeraki.json("/debug/configz")["rejected"] if "e2e-a.yaml" in p["source"]])
    finally:
        sidecar.close()


def test_generation_warnings_carry_their_code_and_config(mesh):
    aeraki, config = mesh
    node = sidecar_node(pod="warned-1", ip="10.1.0.8")
    sidecar = Sidecar(aeraki.channel, node)
    try:
        sidecar.sync()
        write_atomically(config / "e2e-nowhere.yaml", """apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: e2e-nowhere, namespace: demo}
spec:
  hosts: [a.e2e.svc.cluster.local]
  http:
  - route: [{destination: {host: missing.e2e.svc.cluster.local}}]
""")

        def nowhere():
            return [w for w in aeraki.json("/debug/configz")["generation_warnings"] if w["config"] == "VirtualService demo/e2e-nowhere"]

        warnings = wait_for(nowhere)
        assert warnings, aeraki.json("/debug/configz")
        assert {w["code"] for w in warnings} == {"unknown_destination"}, warnings
        assert all(w["proxies"] == 1 for w in warnings), warnings
        assert any("demo/e2e-nowhere http[0]: no destination names an existing cluster" in w["message"] for w in warnings), warnings
        assert "generation.code=unknown_destination" in aeraki.logs()
        # Removing the VirtualService clears them.
        os.remove(config / "e2e-nowhere.yaml")
        assert wait_for(lambda: not nowhere()), aeraki.json("/debug/configz")
    finally:
        sidecar.close()


def test_sigterm_closes_streams_and_exits_cleanly(mesh):
    aeraki, _ = mesh
    sidecar = Sidecar(aeraki.channel, sidecar_node(pod="leaver-1", ip="10.1.0.8"))
    sidecar.sync()
    started = time.time()
    code = aeraki.terminate(timeout=10)
    elapsed = time.time() - started
    assert code == 0, aeraki.logs()
    assert elapsed < 5, f"shutdown took {elapsed:.1f}s"
    assert sidecar.stream.wait_status(timeout=5) == grpc.StatusCode.UNAVAILABLE
    logs = aeraki.logs()
    assert "draining xDS streams" in logs
    assert "proxy disconnected" in logs and "sidecar~10.1.0.8~leaver-1.demo~demo.svc.cluster.local" in logs


def test_a_delta_sidecar_shows_as_delta_in_syncz(mesh):
    aeraki, _ = mesh
    node = sidecar_node(pod="delta-1", ip="10.1.0.9")
    stream = Stream(aeraki.channel, method=DELTA_ADS, delta=True)
    try:
        stream.send(node=node, type_url=CDS, resource_names_subscribe=["*"])
        resp = stream.recv(timeout=5)
        assert any("a.e2e.svc.cluster.local" in name for name in resp.names), resp.names
        stream.send(type_url=CDS, response_nonce=resp.nonce)
        rows = wait_for(lambda: [r for r in aeraki.syncz(node.id)
                                 if r["types"] and r["types"][0]["state"] == "SYNCED"])
        assert rows and rows[0]["stream"] == "Delta", aeraki.json("/debug/syncz")
    finally:
        stream.close()
