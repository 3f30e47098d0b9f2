#!/usr/bin/env python3
"""A fake istiod: serves MCP over xDS (istiod's `api` generator) from a directory of YAML.

Independent of Aeraki's Swift code: messages are built with the protobuf runtime from a
descriptor pool compiled (protoc) from proto/istio and proto/aeraki, and served with grpcio's ADS
service from xds-protos.

Behaves as istiod's apigen does (spec/istio.md §1): each subscribed type URL gets the full list of
`istio.mcp.v1alpha1.Resource`-wrapped items (metadata.name "ns/name", metadata.version), SotW or
delta (removed_resources = previously sent minus current). Istio kinds are served under one
type-URL version: `--type-version` (v1alpha3 or v1), or per resource with the annotation
`fake-istiod/type-version`. A resource annotated `fake-istiod/corrupt: "true"` is sent with an
undecodable body. With `--token`, streams without `authorization: Bearer TOKEN` are refused with
UNAUTHENTICATED; with `--tls-cert/--tls-key` the port is TLS. `--synthetic-service-entries N`
adds N generated ServiceEntries (`bulk/se-00000`...) to every push, the middle one undecodable.

Control: stdin lines `push` (reload the directory and push every subscribed type to every stream)
and `quit`; EOF on stdin also stops it. Output: one JSON object per line on stdout: first
{"port": N}, then events {"event": "stream_open" | "rejected" | "subscribe" | "ack" | "nack" |
"pushed" | "stream_closed", ...}.

Usage: fake_istiod.py --config-dir DIR [--port N] [--type-version v1] [--token T]
                      [--tls-cert F --tls-key F] [--synthetic-service-entries N]
"""

import argparse
import hashlib
import json
import os
import queue
import signal
import subprocess
import sys
import tempfile
import threading
from concurrent import futures
from pathlib import Path

import grpc
import yaml
from google.protobuf import any_pb2, descriptor_pb2, descriptor_pool, json_format, message_factory
from envoy.service.discovery.v3 import ads_pb2_grpc, discovery_pb2

REPO = Path(__file__).resolve().parents[2]
PROTO_DIR = REPO / "proto"
PROTO_FILES = [
    "istio/mcp/v1alpha1/resource.proto",
    "istio/networking/v1alpha3/service_entry.proto",
    "istio/networking/v1alpha3/virtual_service.proto",
    "istio/networking/v1alpha3/destination_rule.proto",
    "istio/networking/v1alpha3/sidecar.proto",
    "istio/networking/v1alpha3/gateway.proto",
    "istio/networking/v1alpha3/workload_entry.proto",
    "istio/security/v1beta1/peer_authentication.proto",
    "istio/security/v1beta1/authorization_policy.proto",
    "istio/security/v1beta1/request_authentication.proto",
    "aeraki/metaprotocol/v1alpha1/metarouter.proto",
    "aeraki/metaprotocol/v1alpha1/application_protocol.proto",
    "aeraki/redis/v1alpha1/redis_service.proto",
    "aeraki/redis/v1alpha1/redis_destination.proto",
    "aeraki/dubbo/v1alpha1/dubbo_authorization_policy.proto",
]
NETWORKING = "networking.istio.io"
SECURITY = "security.istio.io"
AERAKI_GROUPS = {"metaprotocol.aeraki.io", "redis.aeraki.io", "dubbo.aeraki.io"}
MCP_RESOURCE = "type.googleapis.com/istio.mcp.v1alpha1.Resource"

_print_lock = threading.Lock()


def emit(obj):
    with _print_lock:
        print(json.dumps(obj), flush=True)


def load_pool():
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "set.pb")
        subprocess.run(["protoc", f"-I{PROTO_DIR}", "--include_imports", f"--descriptor_set_out={out}", *PROTO_FILES],
                       check=True)
        with open(out, "rb") as f:
            fds = descriptor_pb2.FileDescriptorSet.FromString(f.read())
    pool = descriptor_pool.DescriptorPool()
    for file in fds.file:
        pool.Add(file)
    return pool


class Catalog:
    """The resources of the config directory, as MCP items per type URL."""

    def __init__(self, pool, config_dir, type_version, synthetic=0):
        self.pool = pool
        self.config_dir = Path(config_dir)
        self.type_version = type_version
        self.synthetic = self.synthetic_service_entries(synthetic)
        self.lock = threading.Lock()
        self.version = 0
        self.items = {}  # type_url -> {name: (version, Any)}
        self.reload()

    def message(self, full_name):
        return message_factory.GetMessageClass(self.pool.FindMessageTypeByName(full_name))()

    def proto_name(self, group, kind):
        if group == NETWORKING:
            return f"istio.networking.v1alpha3.{kind}"
        if group == SECURITY:
            return f"istio.security.v1beta1.{kind}"
        return f"{group}.v1alpha1.{kind}"

    def reload(self):
        items = {}
        for path in sorted(self.config_dir.rglob("*.yaml")):
            with open(path) as f:
                for doc in yaml.safe_load_all(f):
                    if doc:
                        self.add(items, doc)
        for name, item in self.synthetic.items():
            items.setdefault(f"{NETWORKING}/{self.type_version}/ServiceEntry", {})[name] = item
        with self.lock:
            self.version += 1
            self.items = items
        return self.version

    def add(self, items, doc):
        group, _, _ = doc["apiVersion"].partition("/")
        kind = doc["kind"]
        meta = doc.get("metadata", {})
        annotations = {k: str(v) for k, v in (meta.get("annotations") or {}).items()}
        if group == NETWORKING:
            version = annotations.get("fake-istiod/type-version", self.type_version)
        elif group == SECURITY:
            # istiod serves security kinds as v1beta1 (≤ 1.23) or v1, never v1alpha3.
            version = "v1beta1" if self.type_version == "v1alpha3" else self.type_version
        elif group in AERAKI_GROUPS:
            version = "v1alpha1"
        else:
            return
        type_url = f"{group}/{version}/{kind}"
        proto_name = self.proto_name(group, kind)
        spec = doc.get("spec") or {}
        body = any_pb2.Any()
        if annotations.get("fake-istiod/corrupt") == "true":
            body.type_url = f"type.googleapis.com/{proto_name}"
            body.value = b"\xff\xff\xff\xff\xff"
        else:
            body.Pack(json_format.ParseDict(spec, self.message(proto_name)))
        namespace = meta.get("namespace", "" if kind == "ApplicationProtocol" else "default")
        name = f"{namespace}/{meta['name']}"
        resource = self.message("istio.mcp.v1alpha1.Resource")
        resource.metadata.name = name
        resource_version = str(meta.get("resourceVersion") or
                               hashlib.sha1(json.dumps([spec, annotations], sort_keys=True).encode()).hexdigest()[:12])
        resource.metadata.version = resource_version
        for k, v in (meta.get("labels") or {}).items():
            resource.metadata.labels[k] = str(v)
        for k, v in annotations.items():
            if not k.startswith("fake-istiod/"):
                resource.metadata.annotations[k] = v
        resource.body.type_url = body.type_url
        resource.body.value = body.value
        wrapped = any_pb2.Any(type_url=MCP_RESOURCE, value=resource.SerializeToString())
        items.setdefault(type_url, {})[name] = (resource_version, wrapped)

    def synthetic_service_entries(self, count):
        """`count` ServiceEntries built field by field (fast enough for tens of thousands), the
        middle one with an undecodable body: {name: (version, Any)}."""
        items = {}
        for i in range(count):
            entry = self.message("istio.networking.v1alpha3.ServiceEntry")
            entry.hosts.append(f"se-{i:05d}.bulk.svc.cluster.local")
            entry.ports.add(number=8000 + i % 1000, name="tcp")
            resource = self.message("istio.mcp.v1alpha1.Resource")
            resource.metadata.name = f"bulk/se-{i:05d}"
            resource.metadata.version = "1"
            resource.body.type_url = "type.googleapis.com/istio.networking.v1alpha3.ServiceEntry"
            resource.body.value = b"\xff\xff\xff\xff\xff" if i == count // 2 else entry.SerializeToString()
            items[resource.metadata.name] = ("1", any_pb2.Any(type_url=MCP_RESOURCE, value=resource.SerializeToString()))
        return items

    def snapshot(self, type_url):
        with self.lock:
            return self.version, dict(self.items.get(type_url, {}))


class Stream:
    def __init__(self, delta):
        self.delta = delta
        self.queue = queue.Queue()
        self.subscribed = set()
        self.sent = {}  # delta: type_url -> set of names sent


class ADS(ads_pb2_grpc.AggregatedDiscoveryServiceServicer):
    def __init__(self, catalog, token):
        self.catalog = catalog
        self.token = token
        self.streams = set()
        self.lock = threading.Lock()
        self.nonce = 0

    def next_nonce(self):
        with self.lock:
            self.nonce += 1
            return str(self.nonce)

    def authorized(self, context):
        if self.token is None:
            return True
        metadata = dict(context.invocation_metadata())
        return metadata.get("authorization") == f"Bearer {self.token}"

    def push_all(self):
        with self.lock:
            streams = list(self.streams)
        for stream in streams:
            for type_url in sorted(stream.subscribed):
                stream.queue.put(type_url)

    def serve(self, request_iterator, context, delta):
        if not self.authorized(context):
            emit({"event": "rejected", "reason": "unauthenticated"})
            context.abort(grpc.StatusCode.UNAUTHENTICATED, "authentication failure")
        stream = Stream(delta)
        with self.lock:
            self.streams.add(stream)
        emit({"event": "stream_open", "delta": delta})

        def read():
            try:
                for request in request_iterator:
                    self.on_request(stream, request)
            except grpc.RpcError:
                pass
            finally:
                stream.queue.put(None)

        threading.Thread(target=read, daemon=True).start()
        try:
            while True:
                type_url = stream.queue.get()
                if type_url is None:
                    break
                yield self.delta_response(stream, type_url) if delta else self.sotw_response(type_url)
        finally:
            with self.lock:
                self.streams.discard(stream)
            emit({"event": "stream_closed"})

    def on_request(self, stream, request):
        node = {}
        if request.HasField("node"):
            node = {"node_id": request.node.id, "metadata": json_format.MessageToDict(request.node.metadata)}
        if request.response_nonce == "":
            emit({"event": "subscribe", "type_url": request.type_url, **node})
            stream.subscribed.add(request.type_url)
            stream.queue.put(request.type_url)
            return
        nack = request.HasField("error_detail")
        emit({"event": "nack" if nack else "ack", "type_url": request.type_url, "nonce": request.response_nonce,
              "version": getattr(request, "version_info", ""),
              "error": request.error_detail.message if nack else ""})

    def sotw_response(self, type_url):
        version, items = self.catalog.snapshot(type_url)
        response = discovery_pb2.DiscoveryResponse(type_url=type_url, version_info=str(version), nonce=self.next_nonce())
        for name in sorted(items):
            response.resources.append(items[name][1])
        return response

    def delta_response(self, stream, type_url):
        version, items = self.catalog.snapshot(type_url)
        response = discovery_pb2.DeltaDiscoveryResponse(type_url=type_url, system_version_info=str(version),
                                                        nonce=self.next_nonce())
        for name in sorted(items):
            resource_version, wrapped = items[name]
            response.resources.add(name=name, version=resource_version, resource=wrapped)
        previous = stream.sent.get(type_url, set())
        response.removed_resources.extend(sorted(previous - set(items)))
        stream.sent[type_url] = set(items)
        return response

    def StreamAggregatedResources(self, request_iterator, context):
        yield from self.serve(request_iterator, context, delta=False)

    def DeltaAggregatedResources(self, request_iterator, context):
        yield from self.serve(request_iterator, context, delta=True)


def main():
    # A parent test process may spawn us with signals blocked in its thread's mask (Foundation's
    # Process on Linux keeps it); make SIGTERM/SIGINT work so the tests can stop us.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, [signal.SIGTERM, signal.SIGINT])
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--config-dir", required=True)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--type-version", default="v1", choices=["v1alpha3", "v1"])
    parser.add_argument("--token")
    parser.add_argument("--tls-cert")
    parser.add_argument("--tls-key")
    parser.add_argument("--synthetic-service-entries", type=int, default=0)
    args = parser.parse_args()

    catalog = Catalog(load_pool(), args.config_dir, args.type_version, args.synthetic_service_entries)
    ads = ADS(catalog, args.token)
    # Clients may ping as often as every 500 ms (keepalive tests), without strikes.
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=32), options=[
        ("grpc.http2.min_ping_interval_without_data_ms", 500), ("grpc.keepalive_permit_without_calls", 1),
        ("grpc.http2.max_ping_strikes", 0)])
    ads_pb2_grpc.add_AggregatedDiscoveryServiceServicer_to_server(ads, server)
    address = f"127.0.0.1:{args.port}"
    if args.tls_cert:
        with open(args.tls_key, "rb") as k, open(args.tls_cert, "rb") as c:
            port = server.add_secure_port(address, grpc.ssl_server_credentials([(k.read(), c.read())]))
    else:
        port = server.add_insecure_port(address)
    if not port:
        emit({"error": f"could not bind {address}"})
        return 1
    server.start()
    emit({"port": port})
    for line in sys.stdin:
        command = line.strip()
        if command == "push":
            version = catalog.reload()
            ads.push_all()
            emit({"event": "pushed", "version": version})
        elif command == "quit":
            break
    server.stop(grace=None)
    return 0


if __name__ == "__main__":
    sys.exit(main())
