"""xDS server authentication over the real transport (`aeraki serve`), with a PKI and JWT keys made
at test time with openssl: client certificates carrying SPIFFE URI SANs, bearer JWTs signed with
RS256, and the admin endpoint's /debug/* reachable only from localhost."""
import base64
import json
import os
import socket
import subprocess
import time
import urllib.error
import urllib.request

import grpc
import pytest
from envoy.service.status.v3 import csds_pb2

from e2e_harness import (CDS, CSDS_FETCH, DELTA_ADS, MAKE_CERTS, Aeraki, Sidecar, Stream, copy_examples,
                         service_entry, sidecar_node, wait_for)

SERVER_NAME = "istiod.istio-system.svc"


def openssl(*args, stdin=None):
    return subprocess.run(["openssl", *args], input=stdin, capture_output=True, check=True).stdout


def client_certificate(pki, name, uri_san, ca="ca"):
    """A client certificate for `uri_san`, signed by `ca` (ca.pem / ca.key in `pki`)."""
    openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", str(pki / f"{name}.key"))
    openssl("req", "-new", "-key", str(pki / f"{name}.key"), "-subj", f"/O=test/CN={name}", "-out", str(pki / f"{name}.csr"))
    (pki / f"{name}.ext").write_text("basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\n"
                                     f"extendedKeyUsage=clientAuth\nsubjectAltName=URI:{uri_san}\n")
    openssl("x509", "-req", "-in", str(pki / f"{name}.csr"), "-CA", str(pki / f"{ca}.pem"), "-CAkey", str(pki / f"{ca}.key"),
            "-CAcreateserial", "-CAserial", str(pki / f"{name}.srl"), "-sha256", "-days", "1",
            "-extfile", str(pki / f"{name}.ext"), "-out", str(pki / f"{name}.pem"))
    return pki / f"{name}.pem", pki / f"{name}.key"


@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    pki = tmp_path_factory.mktemp("pki")
    subprocess.run(["bash", MAKE_CERTS, str(pki)], check=True)
    client_certificate(pki, "demo", "spiffe://cluster.local/ns/demo/sa/consumer")
    client_certificate(pki, "other", "spiffe://cluster.local/ns/other/sa/consumer")
    client_certificate(pki, "system", "spiffe://cluster.local/ns/istio-system/sa/istioctl")
    client_certificate(pki, "foreign", "spiffe://evil.example/ns/demo/sa/consumer")
    return pki


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class SigningKey:
    """An RSA key that signs RS256 JWTs and describes itself as a JWK."""

    def __init__(self, directory, kid):
        self.kid = kid
        self.path = directory / f"{kid}.key"
        openssl("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", str(self.path))
        modulus = openssl("rsa", "-in", str(self.path), "-noout", "-modulus").decode().strip().split("=", 1)[1]
        self.jwk = {"kty": "RSA", "kid": kid, "alg": "RS256", "use": "sig", "n": b64url(bytes.fromhex(modulus)),
                    "e": b64url((65537).to_bytes(3, "big"))}

    def token(self, claims, kid=None):
        header = b64url(json.dumps({"alg": "RS256", "typ": "JWT", "kid": kid or self.kid}).encode())
        payload = b64url(json.dumps(claims).encode())
        signature = openssl("dgst", "-sha256", "-sign", str(self.path), stdin=f"{header}.{payload}".encode())
        return f"{header}.{payload}.{b64url(signature)}"


def sa_claims(namespace="demo", account="consumer", expires_in=3600, audience="istio-ca"):
    now = int(time.time())
    return {"iss": "https://kubernetes.default.svc.cluster.local", "sub": f"system:serviceaccount:{namespace}:{account}",
            "aud": [audience], "iat": now - 60, "nbf": now - 60, "exp": now + expires_in}


def mesh(tmp_path):
    config = tmp_path / "mesh"
    copy_examples(config)
    (config / "e2e-auth.yaml").write_text(service_entry("e2e-auth", "auth.demo.svc.cluster.local"))
    return config


def tls_channel(aeraki, pki, client=None):
    certificate = dict(private_key=(pki / f"{client}.key").read_bytes(),
                       certificate_chain=(pki / f"{client}.pem").read_bytes()) if client else {}
    credentials = grpc.ssl_channel_credentials(root_certificates=(pki / "ca.pem").read_bytes(), **certificate)
    channel = grpc.secure_channel(aeraki.xds_tls, credentials, options=[("grpc.ssl_target_name_override", SERVER_NAME)])
    grpc.channel_ready_future(channel).result(timeout=10)
    return channel


def start(tmp_path, pki, *extra):
    aeraki = Aeraki(str(mesh(tmp_path)), tls=True, extra=[
        "--tls-port", "0", "--tls-cert", str(pki / "istiod.pem"), "--tls-key", str(pki / "istiod.key"), *extra])
    assert wait_for(lambda: aeraki.get("/readyz")[0] == 200, timeout=10), aeraki.logs()
    return aeraki


def refused(channel, node, metadata=None):
    """Opens an ADS stream for `node`; returns the status it ends with (it must send nothing)."""
    sidecar = Sidecar(channel, node, metadata=metadata)
    try:
        assert sidecar.stream.done.wait(5), "the stream was not refused"
        assert sidecar.stream.responses.empty(), "a refused stream received config"
        return sidecar.stream.error
    finally:
        sidecar.close()


def served(channel, node, metadata=None):
    sidecar = Sidecar(channel, node, metadata=metadata)
    try:
        sidecar.sync()
        return sidecar.cluster_names()
    finally:
        sidecar.close()


def test_mtls_identity_gets_its_config_and_other_namespaces_are_denied(tmp_path, pki):
    aeraki = start(tmp_path, pki, "--tls-client-ca", str(pki / "ca.pem"), "--xds-auth", "mtls")
    try:
        demo = tls_channel(aeraki, pki, "demo")
        legitimate = Sidecar(demo, sidecar_node(pod="ok-1"))
        legitimate.sync()
        assert any("auth.demo.svc.cluster.local" in name for name in legitimate.cluster_names()), aeraki.logs()

        # A certificate of namespace `other` asking for that very `demo` proxy, whose config is built and
        # cached: PERMISSION_DENIED, as istiod says it, and not one response before it.
        other = tls_channel(aeraki, pki, "other")
        error = refused(other, legitimate.node)
        assert error.code() == grpc.StatusCode.PERMISSION_DENIED, error
        assert "no identities ([spiffe://cluster.local/ns/other/sa/consumer]) matched demo" in error.details(), error.details()
        legitimate.close()

        # Delta ADS is authorized the same way.
        delta = Stream(other, method=DELTA_ADS, delta=True)
        delta.send(node=sidecar_node(pod="spy-delta"), type_url=CDS)
        assert delta.done.wait(5) and delta.responses.empty()
        assert delta.error.code() == grpc.StatusCode.PERMISSION_DENIED, delta.error

        # The node's SERVICE_ACCOUNT must be the certificate's too, when the node names one.
        node = sidecar_node(pod="sa-1")
        node.metadata.update({"SERVICE_ACCOUNT": "reviews"})
        error = refused(demo, node)
        assert error.code() == grpc.StatusCode.PERMISSION_DENIED and "matched demo/reviews" in error.details(), error

        # A certificate from the right CA but another trust domain proves nothing here.
        error = refused(tls_channel(aeraki, pki, "foreign"), sidecar_node(pod="foreign-1"))
        assert error.code() == grpc.StatusCode.UNAUTHENTICATED and "trust domain cluster.local" in error.details(), error

        # No certificate on a port that requires one: refused before any request is read.
        error = refused(tls_channel(aeraki, pki), sidecar_node(pod="anon-1"))
        assert error.code() == grpc.StatusCode.UNAUTHENTICATED, error
        assert "no client certificate" in error.details(), error.details()

        # The plaintext port authenticates nobody by default (istiod's 15010).
        assert any("auth.demo.svc.cluster.local" in name for name in served(aeraki.channel, sidecar_node(pod="plain-1")))
        for channel in (demo, other):
            channel.close()
    finally:
        aeraki.stop()


def test_jwt_valid_token_is_served_expired_or_wrongly_signed_are_refused(tmp_path, pki):
    keys = SigningKey(tmp_path, "cluster-key")
    stranger = SigningKey(tmp_path, "stranger-key")
    jwks = tmp_path / "jwks.json"
    jwks.write_text(json.dumps({"keys": [keys.jwk]}))
    aeraki = start(tmp_path, pki, "--xds-auth", "jwt", "--xds-jwks", str(jwks), "--xds-plaintext-auth", "jwt")
    try:
        channel = tls_channel(aeraki, pki)

        def bearer(token):
            return [("authorization", f"Bearer {token}")]

        names = served(channel, sidecar_node(pod="jwt-1"), bearer(keys.token(sa_claims())))
        assert any("auth.demo.svc.cluster.local" in name for name in names), aeraki.logs()

        cases = {
            "expired": keys.token(sa_claims(expires_in=-120)),
            "signed by a key not in the JWKS": stranger.token(sa_claims(), kid="cluster-key"),
            "unknown key id": stranger.token(sa_claims()),
            "wrong audience": keys.token(sa_claims(audience="kubernetes")),
            "unsigned (alg none)": b64url(json.dumps({"alg": "none", "typ": "JWT"}).encode()) + "."
                                   + b64url(json.dumps(sa_claims()).encode()) + ".",
            "tampered payload": keys.token(sa_claims()).split(".")[0] + "." + b64url(json.dumps(sa_claims("istio-system")).encode())
                                + "." + keys.token(sa_claims()).split(".")[2],
        }
        for case, token in cases.items():
            error = refused(channel, sidecar_node(pod="jwt-bad"), bearer(token))
            assert error.code() == grpc.StatusCode.UNAUTHENTICATED, (case, error)
            assert "bearer token refused" in error.details(), (case, error.details())
            assert "JWTKitError" not in error.details(), (case, error.details())
            print(f"\n[jwt] {case}: {error.code().name} {error.details()}", flush=True)
        error = refused(channel, sidecar_node(pod="jwt-none"))
        assert error.code() == grpc.StatusCode.UNAUTHENTICATED and "no bearer token" in error.details(), error

        # A valid token of namespace `other` for a `demo` node.
        error = refused(channel, sidecar_node(pod="jwt-spy"), bearer(keys.token(sa_claims(namespace="other"))))
        assert error.code() == grpc.StatusCode.PERMISSION_DENIED, error
        assert "spiffe://cluster.local/ns/other/sa/consumer" in error.details(), error.details()
        channel.close()

        # --xds-plaintext-auth=jwt (istiod's XDS_AUTH_PLAINTEXT): the plaintext port checks tokens too.
        error = refused(aeraki.channel, sidecar_node(pod="plain-none"))
        assert error.code() == grpc.StatusCode.UNAUTHENTICATED and "--xds-plaintext-auth=jwt" in error.details(), error
        names = served(aeraki.channel, sidecar_node(pod="plain-jwt"), bearer(keys.token(sa_claims())))
        assert any("auth.demo.svc.cluster.local" in name for name in names), aeraki.logs()
    finally:
        aeraki.stop()


def csds_node_ids(channel):
    fetch = channel.unary_unary(CSDS_FETCH, request_serializer=csds_pb2.ClientStatusRequest.SerializeToString,
                                response_deserializer=csds_pb2.ClientStatusResponse.FromString)
    return sorted(config.node.id for config in fetch(csds_pb2.ClientStatusRequest(), timeout=5).config)


def test_csds_on_the_authenticated_port_shows_a_caller_only_its_namespace(tmp_path, pki):
    aeraki = start(tmp_path, pki, "--tls-client-ca", str(pki / "ca.pem"))  # --xds-auth any by default
    try:
        demo, other = tls_channel(aeraki, pki, "demo"), tls_channel(aeraki, pki, "other")
        demo_node = sidecar_node(pod="csds-a", namespace="demo", ip="10.4.0.1")
        other_node = sidecar_node(pod="csds-b", namespace="other", ip="10.4.0.2")
        proxies = [Sidecar(demo, demo_node), Sidecar(other, other_node)]
        try:
            for proxy in proxies:
                proxy.sync()
            assert csds_node_ids(demo) == [demo_node.id]
            assert csds_node_ids(other) == [other_node.id]
            system = tls_channel(aeraki, pki, "system")
            assert csds_node_ids(system) == sorted([demo_node.id, other_node.id])
            with pytest.raises(grpc.RpcError) as anonymous:
                csds_node_ids(tls_channel(aeraki, pki))
            assert anonymous.value.code() == grpc.StatusCode.UNAUTHENTICATED
            # The plaintext port is the trusted one (like 15010), and shows everything.
            assert csds_node_ids(aeraki.channel) == sorted([demo_node.id, other_node.id])
        finally:
            for proxy in proxies:
                proxy.close()
    finally:
        aeraki.stop()


def non_loopback_address():
    """This machine's address on its default route (not 127.0.0.0/8)."""
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        probe.connect(("192.0.2.1", 9))  # no packet is sent for a UDP connect
        address = probe.getsockname()[0]
    finally:
        probe.close()
    assert not address.startswith("127."), address
    return address


def http_get(url, token=None):
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"} if token else {})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


@pytest.mark.parametrize("with_token", [False, True])
def test_debug_endpoints_are_local_only_unless_a_token_exposes_them(tmp_path, with_token):
    token_file = tmp_path / "debug-token"
    token_file.write_text("debug-s3cret\n")
    extra = ["--admin-host", "0.0.0.0"] + (["--debug-token-file", str(token_file)] if with_token else [])
    aeraki = Aeraki(str(mesh(tmp_path)), extra=extra)
    try:
        port = aeraki.admin.rsplit(":", 1)[1]
        local, remote = f"http://127.0.0.1:{port}", f"http://{non_loopback_address()}:{port}"
        assert wait_for(lambda: http_get(local + "/readyz")[0] == 200, timeout=10), aeraki.logs()
        served_proxy = Sidecar(aeraki.channel, sidecar_node(pod="debug-1"))
        served_proxy.sync()
        node_id = served_proxy.node.id
        try:
            for path in ("/debug/config_dump?proxy=" + node_id, "/debug/configz", "/debug/syncz"):
                assert http_get(local + path)[0] == 200, path
                status, body = http_get(remote + path)
                if with_token:
                    assert status == 401, (path, status, body)
                    assert http_get(remote + path, token="wrong")[0] == 401
                    status, body = http_get(remote + path, token="debug-s3cret")
                    assert status == 200, (path, status, body)
                else:
                    assert status == 403 and "only to localhost" in body, (path, status, body)
                    assert "sidecar~" not in body
            for path in ("/readyz", "/healthz", "/metrics", "/version"):
                assert http_get(remote + path)[0] == 200, path
        finally:
            served_proxy.close()
    finally:
        aeraki.stop()


def test_serve_refuses_an_auth_mode_that_can_never_authenticate(tmp_path, pki):
    binary = os.environ.get("AERAKI_BIN") or os.path.join(os.path.dirname(__file__), "..", "..", ".build", "debug", "aeraki")
    base = [binary, "serve", "--config-dir", str(mesh(tmp_path)), "--xds-port", "0", "--admin-port", "0",
            "--tls-port", "0", "--tls-cert", str(pki / "istiod.pem"), "--tls-key", str(pki / "istiod.key")]
    for extra, message in [([], "--xds-auth=any (the default with TLS) needs --tls-client-ca"),
                           (["--xds-auth", "mtls"], "--xds-auth=mtls needs --tls-client-ca"),
                           (["--xds-auth", "jwt"], "--xds-auth=jwt needs --xds-jwks"),
                           (["--xds-plaintext-auth", "mtls"], "a plaintext peer has no certificate")]:
        result = subprocess.run(base + extra, capture_output=True, text=True, timeout=30)
        assert result.returncode != 0 and message in result.stderr, (extra, result.stderr)
