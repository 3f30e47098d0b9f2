"""Self-test of peer.py: its server against its client (Python <-> Python).

Run: python -m pytest IntegrationTests/grpc-peer -q
Covers every client scenario over plaintext, TLS and mTLS, plus the
server's --events cancellation reports.
"""

import json
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
PEER = [sys.executable, str(HERE / "peer.py")]


class PeerServer:
    def __init__(self, *extra):
        self.proc = subprocess.Popen(PEER + ["server", "--events", *extra],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        first = json.loads(self.proc.stdout.readline())
        self.port = first["port"]

    def events(self, count):
        return [json.loads(self.proc.stdout.readline()) for _ in range(count)]

    def close(self):
        self.proc.stdin.close()  # EOF on stdin stops the server
        assert self.proc.wait(timeout=10) == 0


@pytest.fixture(scope="module")
def certs(tmp_path_factory):
    out = tmp_path_factory.mktemp("certs")
    subprocess.run(["bash", str(HERE / "make_certs.sh"), str(out)], check=True,
                   stderr=subprocess.DEVNULL)
    return out


@pytest.fixture(scope="module", params=["plaintext", "tls", "mtls"])
def server(request, certs):
    """(PeerServer, client options) for each security mode."""
    mode = request.param
    server_args, client_args = [], []
    if mode != "plaintext":
        server_args = ["--tls-cert", str(certs / "server.pem"), "--tls-key", str(certs / "server.key")]
        client_args = ["--ca", str(certs / "ca.pem"), "--authority", "localhost"]
    if mode == "mtls":
        server_args += ["--client-ca", str(certs / "ca.pem")]
        client_args += ["--cert", str(certs / "client.pem"), "--key", str(certs / "client.key")]
    srv = PeerServer(*server_args)
    yield srv, client_args, mode
    srv.close()


def client(server, *scenario, expect_rc=0):
    srv, client_args, _ = server
    out = subprocess.run(PEER + ["client", "--target", f"127.0.0.1:{srv.port}", *client_args,
                                 *scenario], capture_output=True, text=True, timeout=120)
    lines = out.stdout.strip().splitlines()
    assert len(lines) == 1, out
    result = json.loads(lines[0])
    assert out.returncode == expect_rc, result
    return result


def test_echo(server):
    r = client(server, "echo", "--count", "500", "--size", "3000")
    assert r["received"] == 500 and r["status"] == 0
    assert r["trailing"]["x-echo-count"] == "500"
    server[0].events(1)


def test_concurrent(server):
    r = client(server, "concurrent", "--streams", "40", "--count", "50")
    assert (r["ok"], r["failed"], r["received"]) == (40, 0, 2000)
    server[0].events(40)


def test_unary_and_large(server):
    assert client(server, "unary", "--size", "100000")["unary"] == "ok"
    r = client(server, "large", "--size", str(20 * 1024 * 1024))
    assert r["unary"] == r["stream"] == "ok"
    server[0].events(3)


@pytest.mark.parametrize("how", ["cancel", "close", "exit"])
def test_disconnect(server, how):
    r = client(server, "disconnect", "--how", how)
    assert r["done"] is True
    (event,) = server[0].events(1)
    assert event["method"].endswith("/Stream") and event["cancelled"] is True
    assert event["echoed"] == 1


def test_metadata(server):
    r = client(server, "metadata", "--header", "x-test=hello", "--header", "x-raw-bin=abc")
    assert r["x-test"] == "hello" and r["x-raw-bin"] == "YWJj"
    assert r["peer"].startswith("ipv4:127.0.0.1:")
    if server[2] == "mtls":
        assert r["peer_identity"] == "spiffe://cluster.local/ns/default/sa/test-client"
    else:
        assert "peer_identity" not in r
    server[0].events(1)


@pytest.mark.parametrize("code,message", [(5, "no such thing"), (13, "boom: with colons"), (0, "")])
def test_status(server, code, message):
    r = client(server, "status", "--code", str(code), "--message", message)
    assert r["code"] == code
    server[0].events(1)


def test_bad_header_is_a_json_error(server):
    r = client(server, "metadata", "--header", "bad-header-without-equals", expect_rc=1)
    assert "error" in r


def test_slow_reader(server):
    r = client(server, "slow-reader", "--count", "40", "--size", "262144", "--delay-ms", "10")
    assert r["received"] == 40 and r["bytes"] == 40 * 262144
    (event,) = server[0].events(1)
    assert event["sent"] == 40 and event["cancelled"] is False


def test_mtls_requires_client_cert(server, certs):
    srv, _, mode = server
    if mode != "mtls":
        pytest.skip("mTLS only")
    out = subprocess.run(PEER + ["client", "--target", f"127.0.0.1:{srv.port}", "--ca",
                                 str(certs / "ca.pem"), "--authority", "localhost",
                                 "--timeout", "5", "unary"],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 1 and "error" in json.loads(out.stdout)
