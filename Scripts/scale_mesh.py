#!/usr/bin/env python3
"""Writes the scale benchmark's mesh (issue 9) as a directory of Istio YAML, one file per service.

    python3 Scripts/scale_mesh.py OUT_DIR [--services N]

Service i is `svc-i` in namespace `ns-(i % 10)`, host `svc-i.ns-(i % 10).svc.cluster.local`, a VIP
from 240.240.0.0/16, resolution STATIC, location MESH_INTERNAL and three inline endpoints with
distinct IPs from 10.100.0.0/14 (labels `app: svc-i`, `version: v1` for the first two and `v2` for
the third). By `(i // 10) % 10` (so every namespace gets every kind):

- 0: a `tcp-dubbo` port 20880, a DestinationRule with subsets v1/v2 and a VirtualService splitting
  90/10 between them (Dubbo routes live under `http:`);
- 1: a `tcp-thrift` port 9090, the same DestinationRule and VirtualService shapes;
- otherwise a `tcp` port 9000, and every third of those (`i % 3 == 0`) a DestinationRule with a
  connectionPool or a loadBalancer setting (no subsets).

The file of service i is `OUT_DIR/ns-(i % 10)/svc-i.yaml`. The benchmark edits these files in place
(an endpoint `address:` or the two `weight:` values of the VirtualService), so keep each endpoint on
one `- {address: ...}` line and each weighted destination on one line ending in `weight: W}`.
Standard library only.
"""
import argparse
import os
import sys

NAMESPACES = 10


def kind(i):
    """The service's protocol kind: 'dubbo', 'thrift' or 'tcp'."""
    return {0: "dubbo", 1: "thrift"}.get((i // 10) % 10, "tcp")


def host(i):
    return f"svc-{i}.ns-{i % NAMESPACES}.svc.cluster.local"


def vip(i):
    return f"240.240.{i // 250}.{i % 250 + 1}"


def endpoint_ip(i, k):
    n = i * 3 + k
    return f"10.{100 + n // 62500}.{(n // 250) % 250}.{n % 250 + 1}"


def service_yaml(i):
    ns, name, h, k = f"ns-{i % NAMESPACES}", f"svc-{i}", host(i), kind(i)
    port = {"dubbo": "{number: 20880, name: tcp-dubbo, protocol: TCP}",
            "thrift": "{number: 9090, name: tcp-thrift, protocol: TCP}",
            "tcp": "{number: 9000, name: tcp, protocol: TCP}"}[k]
    endpoints = "\n".join(
        f"  - {{address: {endpoint_ip(i, e)}, labels: {{app: {name}, version: {'v2' if e == 2 else 'v1'}}}}}"
        for e in range(3))
    docs = [f"""apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {{name: {name}, namespace: {ns}}}
spec:
  hosts: [{h}]
  addresses: [{vip(i)}]
  ports:
  - {port}
  location: MESH_INTERNAL
  resolution: STATIC
  endpoints:
{endpoints}
"""]
    if k in ("dubbo", "thrift"):
        docs.append(f"""apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {{name: {name}, namespace: {ns}}}
spec:
  host: {h}
  subsets:
  - {{name: v1, labels: {{version: v1}}}}
  - {{name: v2, labels: {{version: v2}}}}
""")
        docs.append(f"""apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {{name: {name}, namespace: {ns}}}
spec:
  hosts: [{h}]
  http:
  - name: split
    route:
    - {{destination: {{host: {h}, subset: v1}}, weight: 90}}
    - {{destination: {{host: {h}, subset: v2}}, weight: 10}}
""")
    elif i % 3 == 0:
        policy = ("connectionPool: {tcp: {maxConnections: 100, connectTimeout: 2s}}" if i % 2 == 0
                  else "loadBalancer: {simple: LEAST_REQUEST}")
        docs.append(f"""apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {{name: {name}, namespace: {ns}}}
spec:
  host: {h}
  trafficPolicy:
    {policy}
""")
    return "---\n".join(docs)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("out_dir")
    parser.add_argument("--services", type=int, default=1000)
    args = parser.parse_args()
    if args.services < 1 or args.services > 60000:
        sys.exit("--services must be between 1 and 60000")
    for n in range(NAMESPACES):
        os.makedirs(os.path.join(args.out_dir, f"ns-{n}"), exist_ok=True)
    for i in range(args.services):
        with open(os.path.join(args.out_dir, f"ns-{i % NAMESPACES}", f"svc-{i}.yaml"), "w") as f:
            f.write(service_yaml(i))
    counts = {}
    for i in range(args.services):
        counts[kind(i)] = counts.get(kind(i), 0) + 1
    print(f"wrote {args.services} services to {args.out_dir}: {counts}", file=sys.stderr)


if __name__ == "__main__":
    main()
