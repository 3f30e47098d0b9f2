"""End-to-end harness: the real `aeraki serve` process, its admin endpoint, and a simulated
Istio sidecar built on the independent Python xDS client of the conformance suite (grpcio +
xds-protos + protoc-gen-validate: every resource is decoded with Envoy's own protos and checked
against Envoy's validation rules)."""
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

import grpc
from envoy.config.core.v3 import base_pb2
from envoy.service.status.v3 import csds_pb2
from google.protobuf import struct_pb2

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(HERE, "..", "xds-conformance"))
import xds_harness  # noqa: E402
from xds_harness import ADS, CDS, DELTA_ADS, EDS, LDS, RDS, CSDS_FETCH, Stream  # noqa: E402,F401

FAKE_ISTIOD = os.path.join(REPO, "IntegrationTests", "fake-istiod", "fake_istiod.py")
MAKE_CERTS = os.path.join(REPO, "IntegrationTests", "fake-istiod", "make_certs.sh")


def aeraki_binary():
    return os.environ.get("AERAKI_BIN") or os.path.join(REPO, ".build", "debug", "aeraki")


def sidecar_node(pod="consumer-1", namespace="demo", ip="10.1.0.5", labels=None):
    """A node as Istio's agent sends it: sidecar~IP~POD.NS~NS.svc.cluster.local plus metadata."""
    metadata = struct_pb2.Struct()
    metadata.update({
        "NAMESPACE": namespace, "INSTANCE_IPS": ip, "ISTIO_VERSION": "1.22.0", "NAME": pod,
        "LABELS": labels or {"app": pod.rsplit("-", 1)[0]},
    })
    return base_pb2.Node(id=f"sidecar~{ip}~{pod}.{namespace}~{namespace}.svc.cluster.local",
                         cluster=f"{pod}.{namespace}", metadata=metadata)


def wait_for(predicate, timeout=5.0, interval=0.02):
    deadline = time.time() + timeout
    last = None
    while time.time() < deadline:
        last = predicate()
        if last:
            return last
        time.sleep(interval)
    return predicate()


class Aeraki:
    """`aeraki serve` on free ports, a YAML directory (or istiod), fast polling and debounce."""

    def __init__(self, config_dir=None, istiod=None, extra=(), tls=False):
        args = [aeraki_binary(), "serve", "--xds-host", "127.0.0.1", "--xds-port", "0", "--admin-host", "127.0.0.1",
                "--admin-port", "0", "--debounce-ms", "20", "--debounce-max-ms", "200", "--drain-seconds", "1",
                "--log-level", "debug"]
        if istiod:
            args += ["--istiod-address", istiod]
        else:
            args += ["--config-dir", config_dir, "--poll-interval-ms", "50"]
        self.log_path = tempfile.mktemp(prefix="aeraki-e2e-", suffix=".log")
        self.log = open(self.log_path, "w")
        self.proc = subprocess.Popen([*args, *extra], stdout=subprocess.PIPE, stderr=self.log, text=True)
        self.xds = self._address("xds listening on ")
        self.admin = self._address("admin listening on ")
        self.xds_tls = self._address("xds-tls listening on ") if tls else None
        self.channel = grpc.insecure_channel(self.xds)
        grpc.channel_ready_future(self.channel).result(timeout=10)

    def _address(self, prefix):
        line = self.proc.stdout.readline()
        assert line.startswith(prefix), f"unexpected line {line!r}; log:\n{self.logs()}"
        return line.split()[-1].replace("0.0.0.0", "127.0.0.1")

    def logs(self):
        if not self.log.closed:
            self.log.flush()
        with open(self.log_path) as f:
            return f.read()

    def get(self, path, accept=None):
        request = urllib.request.Request(f"http://{self.admin}{path}", headers={"Accept": accept} if accept else {})
        try:
            with urllib.request.urlopen(request, timeout=5) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode()

    def json(self, path):
        status, body = self.get(path)
        assert status == 200, f"{path}: {status} {body}"
        return json.loads(body)

    def syncz(self, node_id):
        return [p for p in self.json("/debug/syncz")["proxies"] if p["node_id"] == node_id]

    def csds(self, node_id):
        req = csds_pb2.ClientStatusRequest()
        req.node_matchers.add().node_id.exact = node_id
        fetch = self.channel.unary_unary(CSDS_FETCH, request_serializer=csds_pb2.ClientStatusRequest.SerializeToString,
                                         response_deserializer=csds_pb2.ClientStatusResponse.FromString)
        return fetch(req, timeout=5)

    def terminate(self, timeout=10):
        self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout)
        finally:
            self.channel.close()
            self.log.close()

    def stop(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(5)
        self.channel.close()
        if not self.log.closed:
            self.log.close()


class Sidecar:
    """A simulated Istio sidecar on one ADS stream: CDS and LDS wildcard, then EDS for the EDS
    clusters and RDS for the routes its listeners name; ACKs every response it can decode and
    validate, and can NACK on demand. Keeps the latest resources per type."""

    def __init__(self, channel, node, metadata=None):
        self.node = node
        self.stream = Stream(channel, method=ADS, metadata=metadata)
        self.latest = {}
        self.versions = {}
        self.lock = threading.Lock()
        self.stream.send(node=node, type_url=CDS)
        self.stream.send(type_url=LDS)

    def pump(self, timeout=5.0, nack=None):
        """Receives one response, ACKs it (or NACKs when `nack(resp)` returns a message), and
        subscribes to the EDS/RDS names it implies. Returns the response."""
        resp = self.stream.recv(timeout=timeout)
        message = nack(resp) if nack else None
        if message:
            self.stream.nack(resp, [] if resp.type_url in (CDS, LDS) else resp.names, accepted_version=self.versions.get(resp.type_url, ""), message=message)
            return resp
        self.latest[resp.type_url] = resp
        self.versions[resp.type_url] = resp.version
        # Like Envoy: wildcard types ACK with no names (a name list would narrow the subscription).
        self.stream.ack(resp, names=[] if resp.type_url in (CDS, LDS) else resp.names)
        if resp.type_url == CDS:
            eds = sorted({(c.eds_cluster_config.service_name or c.name) for c in resp.resources.values()
                          if c.type == c.EDS})
            if eds and sorted(self.latest.get(EDS).names if EDS in self.latest else []) != eds:
                self.stream.send(type_url=EDS, resource_names=eds, version_info=self.versions.get(EDS, ""),
                                 response_nonce=self.latest[EDS].nonce if EDS in self.latest else "")
        return resp

    def sync(self, quiet=0.5, timeout=10.0):
        """Pumps until no response arrives for `quiet` seconds; returns the responses."""
        got = []
        deadline = time.time() + timeout
        while time.time() < deadline:
            try:
                got.append(self.pump(timeout=quiet))
            except AssertionError as e:
                if "no response" in str(e):
                    return got
                raise
        return got

    def cluster_names(self):
        return self.latest[CDS].names if CDS in self.latest else []

    def close(self):
        self.stream.close()


class FakeIstiod:
    """The Python fake istiod (MCP over xDS) on a fixed port, serving a YAML directory."""

    def __init__(self, config_dir, port=0, extra=()):
        self.config_dir = config_dir
        self.proc = subprocess.Popen(
            [sys.executable, FAKE_ISTIOD, "--config-dir", config_dir, "--port", str(port), *extra],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        first = json.loads(self.proc.stdout.readline())
        assert "port" in first, first
        self.port = first["port"]
        self.address = f"127.0.0.1:{self.port}"

    def push(self):
        self.proc.stdin.write("push\n")
        self.proc.stdin.flush()

    def stop(self):
        if self.proc.poll() is None:
            try:
                self.proc.stdin.write("quit\n")
                self.proc.stdin.flush()
                self.proc.wait(5)
            except (BrokenPipeError, subprocess.TimeoutExpired):
                self.proc.kill()
                self.proc.wait(5)


def service_entry(name, host, port=20880, port_name="tcp-dubbo", address="10.9.0.1", namespace="demo"):
    return f"""apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata:
  name: {name}
  namespace: {namespace}
spec:
  hosts: [{host}]
  location: MESH_INTERNAL
  ports:
  - number: {port}
    name: {port_name}
    protocol: TCP
  resolution: STATIC
  endpoints:
  - address: {address}
"""


def copy_examples(target):
    """The bundled example mesh, copied so tests may edit it."""
    shutil.copytree(os.path.join(REPO, "examples"), target, ignore=shutil.ignore_patterns("*.md"), dirs_exist_ok=True)
