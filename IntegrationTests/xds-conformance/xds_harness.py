"""An independent xDS client for the conformance suite.

Built on grpcio and xds-protos only: it decodes every resource it receives with Envoy's real
protos and runs protoc-gen-validate's rules on each, and it checks on every response that nonces
are unique on the stream, that every Any carries the response type and that no name repeats.
"""
import json
import os
import queue
import shutil
import subprocess
import tempfile
import threading
import time

import grpc
from google.protobuf import any_pb2
from google.rpc import status_pb2
from envoy.config.cluster.v3 import cluster_pb2
from envoy.config.core.v3 import base_pb2, extension_pb2
from envoy.config.endpoint.v3 import endpoint_pb2
from envoy.config.listener.v3 import listener_pb2
from envoy.config.route.v3 import route_pb2, scoped_route_pb2
from envoy.extensions.filters.network.http_connection_manager.v3 import http_connection_manager_pb2
from envoy.extensions.filters.http.router.v3 import router_pb2
from envoy.extensions.filters.network.dubbo_proxy.v3 import route_pb2 as dubbo_route_pb2
from envoy.extensions.filters.network.thrift_proxy.v3 import route_pb2 as thrift_route_pb2
from envoy.extensions.transport_sockets.tls.v3 import secret_pb2
from envoy.service.discovery.v3 import discovery_pb2
from envoy.service.runtime.v3 import rtds_pb2
from envoy.service.status.v3 import csds_pb2
from protoc_gen_validate.validator import validate, ValidationFailed

T = "type.googleapis.com/"
CDS = T + "envoy.config.cluster.v3.Cluster"
EDS = T + "envoy.config.endpoint.v3.ClusterLoadAssignment"
LDS = T + "envoy.config.listener.v3.Listener"
RDS = T + "envoy.config.route.v3.RouteConfiguration"
SRDS = T + "envoy.config.route.v3.ScopedRouteConfiguration"
SDS = T + "envoy.extensions.transport_sockets.tls.v3.Secret"
RTDS = T + "envoy.service.runtime.v3.Runtime"
ECDS = T + "envoy.config.core.v3.TypedExtensionConfig"
HCM = T + "envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager"
ROUTER = T + "envoy.extensions.filters.http.router.v3.Router"
RESOURCE_WRAPPER = T + "envoy.service.discovery.v3.Resource"

# Route types of network filters that discover them over ADS (Dubbo drds, Thrift trds).
DRDS = T + "envoy.extensions.filters.network.dubbo_proxy.v3.MultipleRouteConfiguration"
TRDS = T + "envoy.extensions.filters.network.thrift_proxy.v3.RouteConfiguration"

MESSAGE_TYPES = {
    DRDS: dubbo_route_pb2.MultipleRouteConfiguration,
    TRDS: thrift_route_pb2.RouteConfiguration,
    CDS: cluster_pb2.Cluster,
    EDS: endpoint_pb2.ClusterLoadAssignment,
    LDS: listener_pb2.Listener,
    RDS: route_pb2.RouteConfiguration,
    SRDS: scoped_route_pb2.ScopedRouteConfiguration,
    SDS: secret_pb2.Secret,
    RTDS: rtds_pb2.Runtime,
    ECDS: extension_pb2.TypedExtensionConfig,
    HCM: http_connection_manager_pb2.HttpConnectionManager,
    ROUTER: router_pb2.Router,
}

ADS = "/envoy.service.discovery.v3.AggregatedDiscoveryService/StreamAggregatedResources"
DELTA_ADS = "/envoy.service.discovery.v3.AggregatedDiscoveryService/DeltaAggregatedResources"
PER_TYPE = {
    CDS: ("/envoy.service.cluster.v3.ClusterDiscoveryService/StreamClusters", "/envoy.service.cluster.v3.ClusterDiscoveryService/DeltaClusters"),
    EDS: ("/envoy.service.endpoint.v3.EndpointDiscoveryService/StreamEndpoints", "/envoy.service.endpoint.v3.EndpointDiscoveryService/DeltaEndpoints"),
    LDS: ("/envoy.service.listener.v3.ListenerDiscoveryService/StreamListeners", "/envoy.service.listener.v3.ListenerDiscoveryService/DeltaListeners"),
    RDS: ("/envoy.service.route.v3.RouteDiscoveryService/StreamRoutes", "/envoy.service.route.v3.RouteDiscoveryService/DeltaRoutes"),
    SDS: ("/envoy.service.secret.v3.SecretDiscoveryService/StreamSecrets", "/envoy.service.secret.v3.SecretDiscoveryService/DeltaSecrets"),
    RTDS: ("/envoy.service.runtime.v3.RuntimeDiscoveryService/StreamRuntime", "/envoy.service.runtime.v3.RuntimeDiscoveryService/DeltaRuntime"),
    ECDS: ("/envoy.service.extension.v3.ExtensionConfigDiscoveryService/StreamExtensionConfigs", "/envoy.service.extension.v3.ExtensionConfigDiscoveryService/DeltaExtensionConfigs"),
}
CSDS_FETCH = "/envoy.service.status.v3.ClientStatusDiscoveryService/FetchClientStatus"
CSDS_STREAM = "/envoy.service.status.v3.ClientStatusDiscoveryService/StreamClientStatus"


# ---------------------------------------------------------------- resource builders (JSON files)

def cluster(name, eds=True, timeout="1s", service_name=None):
    c = {"@type": CDS, "name": name, "connect_timeout": timeout}
    if eds:
        c["type"] = "EDS"
        c["eds_cluster_config"] = {"eds_config": {"ads": {}}}
        if service_name:
            c["eds_cluster_config"]["service_name"] = service_name
    else:
        c["type"] = "STATIC"
    return c


def cla(name, port=8080, address="127.0.0.1"):
    return {"@type": EDS, "cluster_name": name, "endpoints": [{"lb_endpoints": [
        {"endpoint": {"address": {"socket_address": {"address": address, "port_value": port}}}}]}]}


def listener(name, port=9000, route=None):
    hcm = {"@type": HCM, "stat_prefix": name,
           "http_filters": [{"name": "envoy.filters.http.router", "typed_config": {"@type": ROUTER}}]}
    if route:
        hcm["rds"] = {"route_config_name": route, "config_source": {"ads": {}}}
    else:
        hcm["route_config"] = {"name": "inline"}
    return {"@type": LDS, "name": name,
            "address": {"socket_address": {"address": "0.0.0.0", "port_value": port}},
            "filter_chains": [{"filters": [{"name": "envoy.filters.network.http_connection_manager",
                                            "typed_config": hcm}]}]}


def route(name, cluster_name="c", prefix="/"):
    return {"@type": RDS, "name": name, "virtual_hosts": [{"name": "vh", "domains": ["*"], "routes": [
        {"match": {"prefix": prefix}, "route": {"cluster": cluster_name}}]}]}


def secret(name, value="s3cret"):
    return {"@type": SDS, "name": name, "generic_secret": {"secret": {"inline_string": value}}}


def runtime(name, key="k", value="v"):
    return {"@type": RTDS, "name": name, "layer": {key: value}}


def extension(name, stat="x"):
    return {"@type": ECDS, "name": name, "typed_config": {"@type": ROUTER, "suppress_envoy_headers": stat == "y"}}


# ---------------------------------------------------------------- decoding and checks

def decode_any(any_msg, expected_type):
    """Decodes one Any with the real protos and validates it with PGV; returns the message."""
    assert any_msg.type_url == expected_type, f"Any type {any_msg.type_url} != response type {expected_type}"
    cls = MESSAGE_TYPES[any_msg.type_url]
    msg = cls()
    msg.ParseFromString(any_msg.value)
    try:
        validate(msg)
    except ValidationFailed as e:
        raise AssertionError(f"PGV rejects {cls.__name__}: {e}")
    if isinstance(msg, listener_pb2.Listener):
        for chain in msg.filter_chains:
            for f in chain.filters:
                if f.typed_config.type_url in MESSAGE_TYPES:
                    decode_any(f.typed_config, f.typed_config.type_url)
    return msg


def resource_name(msg):
    if isinstance(msg, endpoint_pb2.ClusterLoadAssignment):
        return msg.cluster_name
    return msg.name


class Response:
    """A decoded response: the raw proto plus the decoded resources by name."""

    def __init__(self, raw, delta):
        self.raw = raw
        self.delta = delta
        self.type_url = raw.type_url
        self.nonce = raw.nonce
        self.version = raw.system_version_info if delta else raw.version_info
        self.resources = {}
        self.versions = {}
        names = []
        if delta:
            for r in raw.resources:
                msg = decode_any(r.resource, raw.type_url)
                assert resource_name(msg) == r.name, f"delta name {r.name} != resource name {resource_name(msg)}"
                assert r.version, "delta resource without a version"
                names.append(r.name)
                self.resources[r.name] = msg
                self.versions[r.name] = r.version
            self.removed = list(raw.removed_resources)
            assert len(set(self.removed)) == len(self.removed), "removed_resources repeats a name"
        else:
            for a in raw.resources:
                msg = decode_any(a, raw.type_url)
                names.append(resource_name(msg))
                self.resources[resource_name(msg)] = msg
            self.removed = []
        assert len(set(names)) == len(names), f"response repeats a resource name: {names}"

    @property
    def names(self):
        return sorted(self.resources)

    def __repr__(self):
        return f"<{'Delta' if self.delta else ''}Response {self.type_url.split('.')[-1]} v={self.version} n={self.nonce} {self.names} removed={self.removed}>"


class Stream:
    """One bidi xDS stream driven from the test thread; responses are collected by a reader thread."""

    def __init__(self, channel, method=ADS, delta=False, metadata=None, paused=False):
        self.delta = delta
        self.requests = queue.Queue()
        self.responses = queue.Queue()
        self.nonces = set()
        self.error = None
        self.done = threading.Event()
        req_cls = discovery_pb2.DeltaDiscoveryRequest if delta else discovery_pb2.DiscoveryRequest
        resp_cls = discovery_pb2.DeltaDiscoveryResponse if delta else discovery_pb2.DiscoveryResponse
        call = channel.stream_stream(method, request_serializer=req_cls.SerializeToString,
                                     response_deserializer=resp_cls.FromString)

        def gen():
            while True:
                item = self.requests.get()
                if item is None:
                    return
                yield item

        self.call = call(gen(), metadata=metadata)
        self.thread = threading.Thread(target=self._read, daemon=True)
        if not paused:
            self.thread.start()

    def resume(self):
        """Starts reading responses (for a stream opened with paused=True)."""
        self.thread.start()

    def _read(self):
        try:
            for r in self.call:
                self.responses.put(r)
        except grpc.RpcError as e:
            self.error = e
        finally:
            self.done.set()

    def send(self, **fields):
        cls = discovery_pb2.DeltaDiscoveryRequest if self.delta else discovery_pb2.DiscoveryRequest
        self.requests.put(cls(**fields))

    def recv(self, timeout=5.0):
        try:
            raw = self.responses.get(timeout=timeout)
        except queue.Empty:
            raise AssertionError(f"no response within {timeout}s (stream error: {self.error})")
        assert raw.nonce, "response without a nonce"
        assert raw.nonce not in self.nonces, f"nonce {raw.nonce} reused on the stream"
        self.nonces.add(raw.nonce)
        return Response(raw, self.delta)

    def expect_none(self, timeout=0.8):
        try:
            raw = self.responses.get(timeout=timeout)
        except queue.Empty:
            return
        raise AssertionError(f"unexpected response: {Response(raw, self.delta)}")

    def ack(self, resp, names=None, node=None):
        """SotW ACK of `resp` keeping `names` (default: the names it carried)."""
        fields = dict(type_url=resp.type_url, version_info=resp.version, response_nonce=resp.nonce,
                      resource_names=names if names is not None else resp.names)
        if node is not None:
            fields["node"] = node
        self.send(**fields)

    def nack(self, resp, names, accepted_version="", message="rejected by test"):
        self.send(type_url=resp.type_url, version_info=accepted_version, response_nonce=resp.nonce,
                  resource_names=names, error_detail=status_pb2.Status(code=3, message=message))

    def close(self):
        self.requests.put(None)
        self.call.cancel()
        self.done.wait(5)

    def wait_status(self, timeout=5.0):
        assert self.done.wait(timeout), "stream did not end"
        return self.error.code() if self.error else grpc.StatusCode.OK


def node(node_id, **kw):
    return base_pb2.Node(id=node_id, cluster="test-cluster", **kw)


# ---------------------------------------------------------------- the server under test

def aeraki_binary():
    env = os.environ.get("AERAKI_BIN")
    if env:
        return env
    here = os.path.dirname(os.path.abspath(__file__))
    return os.path.join(here, "..", "..", ".build", "debug", "aeraki")


class Server:
    """`aeraki serve-static` on a temporary directory, port 0, fast polling, with an event log."""

    def __init__(self, extra_args=()):
        self.dir = tempfile.mkdtemp(prefix="xds-conf-")
        self.events_path = os.path.join(self.dir, ".events.jsonl")
        self.stderr_path = os.path.join(self.dir, ".stderr")
        self.stderr = open(self.stderr_path, "w")
        self.proc = subprocess.Popen(
            [aeraki_binary(), "serve-static", "--dir", self.dir, "--port", "0", "--poll-interval-ms", "50",
             "--event-log", self.events_path, "--reject-node", "rejected-node", *extra_args],
            stdout=subprocess.PIPE, stderr=self.stderr, text=True)
        line = self.proc.stdout.readline()
        assert line.startswith("xds listening on "), f"unexpected first line {line!r}"
        self.address = line.split()[-1]
        self.channel = grpc.insecure_channel(self.address)
        grpc.channel_ready_future(self.channel).result(timeout=10)

    def stop(self):
        self.channel.close()
        self.proc.terminate()
        try:
            self.proc.wait(5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.stderr.close()
        shutil.rmtree(self.dir, ignore_errors=True)

    # files
    def events(self, kind=None):
        try:
            with open(self.events_path) as f:
                lines = f.read().split("\n")
        except FileNotFoundError:
            return []
        evs = []
        for line in lines[:-1]:  # the last piece may be a line still being written
            if line.strip():
                evs.append(json.loads(line))
        return [e for e in evs if kind is None or e["event"] == kind]

    def stderr_text(self):
        self.stderr.flush()
        with open(self.stderr_path) as f:
            return f.read()

    def write(self, folder, resources, filename="resources.json", raw=None, wait=True):
        """Writes one file of `folder` and waits until the server has reloaded."""
        before = len(self.events("reload"))
        d = os.path.join(self.dir, folder)
        content = raw if raw is not None else json.dumps({"resources": resources})
        if not os.path.isdir(d):
            # A new folder appears atomically with its first file (the server skips dot-folders).
            staging = os.path.join(self.dir, "." + folder + ".staging")
            os.makedirs(staging, exist_ok=True)
            with open(os.path.join(staging, filename), "w") as f:
                f.write(content)
            os.rename(staging, d)
        else:
            tmp = os.path.join(d, "." + filename + ".tmp")
            with open(tmp, "w") as f:
                f.write(content)
            os.replace(tmp, os.path.join(d, filename))
        if wait:
            self.wait_reload(before)

    def remove_folder(self, folder):
        before = len(self.events("reload"))
        shutil.rmtree(os.path.join(self.dir, folder))
        self.wait_reload(before)

    def wait_reload(self, before, timeout=5.0):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if len(self.events("reload")) > before:
                return
            time.sleep(0.02)
        raise AssertionError("server did not reload")

    def stream(self, method=ADS, delta=False, metadata=None, paused=False, channel=None):
        return Stream(channel or self.channel, method=method, delta=delta, metadata=metadata, paused=paused)

    def slow_channel(self):
        """A separate channel with a fixed 64 KiB flow-control window, so a stream that does not read
        stops the server's sends to it."""
        ch = grpc.insecure_channel(self.address, options=[("grpc.http2.bdp_probe", 0)])
        grpc.channel_ready_future(ch).result(timeout=10)
        return ch

    def pid_rss_kib(self):
        with open(f"/proc/{self.proc.pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        return 0

    def csds(self, node_id=None, exclude=False):
        req = csds_pb2.ClientStatusRequest(exclude_resource_contents=exclude)
        if node_id is not None:
            m = req.node_matchers.add()
            m.node_id.exact = node_id
        fetch = self.channel.unary_unary(CSDS_FETCH, request_serializer=csds_pb2.ClientStatusRequest.SerializeToString,
                                         response_deserializer=csds_pb2.ClientStatusResponse.FromString)
        return fetch(req, timeout=5)


def csds_statuses(resp):
    """{(type_url, name): (status name, GenericXdsConfig)} for the single client in `resp`."""
    out = {}
    for cfg in resp.config:
        for g in cfg.generic_xds_configs:
            out[(g.type_url, g.name)] = (csds_pb2.ConfigStatus.Name(g.config_status), g)
    return out


def wait_for(predicate, timeout=5.0, interval=0.05):
    deadline = time.time() + timeout
    while time.time() < deadline:
        v = predicate()
        if v:
            return v
        time.sleep(interval)
    return predicate()
