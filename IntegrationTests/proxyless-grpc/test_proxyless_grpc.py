"""Proxyless gRPC against `aeraki serve`: grpcio's own xDS client (not ours) resolves
`xds:///greeter:7070` through Aeraki (node metadata GENERATOR=grpc) and sends real RPCs to two local
grpcio servers standing for the subsets v1 and v2: an 80/20 split, a header match, a fault abort;
then a VirtualService edit reaches the running client."""
import json
import os
import subprocess
import sys
import tempfile
from concurrent import futures

import grpc
import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "e2e"))
from e2e_harness import Aeraki  # noqa: E402

MESH = """
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {{name: greeter, namespace: default}}
spec:
  hosts: [greeter.default.svc.cluster.local]
  addresses: [10.96.0.77]
  ports: [{{number: 7070, name: grpc, protocol: GRPC}}]
  resolution: STATIC
  endpoints:
  - {{address: 127.0.0.1, ports: {{grpc: {v1}}}, labels: {{version: v1}}}}
  - {{address: 127.0.0.1, ports: {{grpc: {v2}}}, labels: {{version: v2}}}}
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {{name: greeter, namespace: default}}
spec:
  host: greeter
  subsets: [{{name: v1, labels: {{version: v1}}}}, {{name: v2, labels: {{version: v2}}}}]
"""

ROUTES = """
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {{name: greeter, namespace: default}}
spec:
  hosts: [greeter]
  http:
  - match: [{{headers: {{x-version: {{exact: v2}}}}}}]
    route: [{{destination: {{host: greeter, subset: v2}}}}]
  - match: [{{headers: {{x-fail: {{exact: "yes"}}}}}}]
    fault: {{abort: {{grpcStatus: PERMISSION_DENIED, percentage: {{value: 100}}}}}}
    route: [{{destination: {{host: greeter, subset: v1}}}}]
  - route:
    - {{destination: {{host: greeter, subset: v1}}, weight: {v1}}}
    - {{destination: {{host: greeter, subset: v2}}, weight: {v2}}}
"""


def greeter(name):
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=8))
    handler = grpc.method_handlers_generic_handler(
        "greeter.Greeter", {"SayHello": grpc.unary_unary_rpc_method_handler(lambda request, context: name.encode())})
    server.add_generic_rpc_handlers((handler,))
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    return server, port


@pytest.fixture
def mesh():
    servers = [greeter("v1"), greeter("v2")]
    directory = tempfile.mkdtemp(prefix="aeraki-grpc-")
    with open(os.path.join(directory, "mesh.yaml"), "w") as f:
        f.write(MESH.format(v1=servers[0][1], v2=servers[1][1]))
    with open(os.path.join(directory, "routes.yaml"), "w") as f:
        f.write(ROUTES.format(v1=80, v2=20))
    aeraki = Aeraki(config_dir=directory)
    yield aeraki, directory
    aeraki.stop()
    for server, _ in servers:
        server.stop(0)


def test_grpc_xds_client_follows_aeraki_routes(mesh):
    aeraki, directory = mesh
    bootstrap = os.path.join(directory, "..", os.path.basename(directory) + "-bootstrap.json")
    with open(bootstrap, "w") as f:
        json.dump({
            "xds_servers": [{"server_uri": aeraki.xds, "channel_creds": [{"type": "insecure"}], "server_features": ["xds_v3"]}],
            "node": {"id": "sidecar~127.0.0.1~app-1.default~default.svc.cluster.local",
                     "metadata": {"GENERATOR": "grpc", "NAMESPACE": "default", "INSTANCE_IPS": "127.0.0.1"}},
            "server_listener_resource_name_template": "xds.istio.io/grpc/lds/inbound/%s",
        }, f)
    env = dict(os.environ, GRPC_XDS_BOOTSTRAP=bootstrap)
    client = subprocess.Popen([sys.executable, os.path.join(HERE, "greeter_client.py"), "xds:///greeter:7070"],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        line = client.stdout.readline()
        assert line, f"client failed: {client.stderr.read() if client.poll() is not None else ''}\n{aeraki.logs()[-4000:]}"
        results = json.loads(line)
        print("proxyless client saw:", results)  # shown with -s, and on failure
        assert results["first"] in ("v1", "v2")
        split = results["split"]
        assert set(split) <= {"v1", "v2"}, split
        assert 280 <= split.get("v1", 0) <= 360, f"80/20 of 400 RPCs expected, got {split}"
        assert results["header"] == {"v2": 50}
        assert results["fault"] == {"status:PERMISSION_DENIED": 20}

        with open(os.path.join(directory, "routes.yaml"), "w") as f:
            f.write(ROUTES.format(v1=0, v2=100))
        client.stdin.write("edited\n")
        client.stdin.flush()
        after = json.loads(client.stdout.readline())
        print("after the VirtualService edit:", after)
        assert after["all_v2_after"] is not None, "the running client never moved to v2"
        assert after["all_v2_after"] < 15
    finally:
        client.kill()
        client.wait(5)
