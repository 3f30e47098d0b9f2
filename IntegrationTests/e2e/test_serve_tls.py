"""`aeraki serve` over TLS on both sides: config from a TLS, token-checking fake istiod, and a
sidecar on Aeraki's TLS xDS listener."""
import subprocess

import grpc
import pytest

from e2e_harness import MAKE_CERTS, Aeraki, FakeIstiod, Sidecar, copy_examples, service_entry, sidecar_node, wait_for


@pytest.fixture
def pki(tmp_path):
    certs = tmp_path / "pki"
    subprocess.run(["bash", MAKE_CERTS, str(certs)], check=True)
    return certs


def test_tls_to_istiod_with_a_token_and_tls_to_sidecars(tmp_path, pki):
    config = tmp_path / "mesh"
    copy_examples(config)
    (config / "e2e-a.yaml").write_text(service_entry("e2e-a", "a.tls.svc.cluster.local"))
    token = tmp_path / "token"
    token.write_text("s3cret-token\n")
    istiod = FakeIstiod(str(config), extra=["--token", "s3cret-token", "--tls-cert", str(pki / "istiod.pem"),
                                            "--tls-key", str(pki / "istiod.key")])
    aeraki = Aeraki(istiod=istiod.address, tls=True, extra=[
        "--istiod-ca-file", str(pki / "ca.pem"), "--istiod-token-file", str(token),
        "--tls-port", "0", "--tls-cert", str(pki / "istiod.pem"), "--tls-key", str(pki / "istiod.key"),
        "--xds-auth", "none"])
    try:
        assert wait_for(lambda: aeraki.get("/readyz")[0] == 200, timeout=10), aeraki.logs()
        credentials = grpc.ssl_channel_credentials(root_certificates=(pki / "ca.pem").read_bytes())
        channel = grpc.secure_channel(aeraki.xds_tls, credentials,
                                      options=[("grpc.ssl_target_name_override", "istiod.istio-system.svc")])
        grpc.channel_ready_future(channel).result(timeout=10)
        sidecar = Sidecar(channel, sidecar_node(pod="tls-1", ip="10.3.0.5"))
        try:
            sidecar.sync()
            assert any("a.tls.svc.cluster.local" in name for name in sidecar.cluster_names()), sidecar.cluster_names()
        finally:
            sidecar.close()
            channel.close()
    finally:
        aeraki.stop()
        istiod.stop()
