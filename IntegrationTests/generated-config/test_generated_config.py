"""Every golden config, and `aeraki generate` on examples/, passes the independent validator."""

import glob
import json
import os
import re
import subprocess
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from config_validator import Problem, validate_dump  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
GOLDENS = sorted(glob.glob(os.path.join(ROOT, "Tests", "GeneratorTests", "Fixtures", "*", "expected.json")))


def test_there_are_goldens():
    assert len(GOLDENS) >= 21


@pytest.mark.parametrize("path", GOLDENS, ids=[os.path.basename(os.path.dirname(p)) for p in GOLDENS])
def test_golden_passes_envoy_validation(path):
    with open(path) as f:
        summary = validate_dump(f.read())
    assert summary["listeners"] >= 2 and summary["clusters"] >= 3


def test_validator_catches_a_dangling_cluster():
    with open(os.path.join(ROOT, "Tests", "GeneratorTests", "Fixtures", "tcp-default", "expected.json")) as f:
        text = f.read()
    with pytest.raises(Problem):
        validate_dump(text.replace('"cluster": "outbound|9000||echo.tcp.svc.cluster.local"', '"cluster": "outbound|9000||nowhere"'))


def _aeraki():
    binary = os.environ.get("AERAKI_BIN")
    if not binary or not os.path.exists(binary):
        pytest.skip("AERAKI_BIN not set")
    return binary


EXAMPLE_NODES = [
    ("client", "sidecar~10.0.1.10~client-6d4f.demo~demo.svc.cluster.local", []),
    ("dubbo-provider", "sidecar~10.0.2.1~dubbo-provider-v1.dubbo~dubbo.svc.cluster.local",
     ["--metadata", "LABELS=app=dubbo-provider,version=v1", "--metadata", "INSTANCE_IPS=10.0.2.1"]),
    ("thrift-server", "sidecar~10.0.3.2~thrift-hello-v2.thrift~thrift.svc.cluster.local",
     ["--metadata", "LABELS=app=thrift-hello,version=v2"]),
    ("productpage", "sidecar~10.0.6.20~productpage-v1.bookinfo~bookinfo.svc.cluster.local",
     ["--metadata", "LABELS=app=productpage,version=v1", "--metadata", "INSTANCE_IPS=10.0.6.20"]),
    ("proxyless-grpc", "sidecar~10.0.7.50~app.grpc~grpc.svc.cluster.local", ["--metadata", "GENERATOR=grpc"]),
    ("metaprotocol-client", "sidecar~10.0.1.11~client-7a1b.demo~demo.svc.cluster.local",
     ["--metadata", "AERAKI_CAPABILITIES=meta_protocol_proxy"]),
    ("tars-server", "sidecar~10.0.5.2~tars-hello-v2.tars~tars.svc.cluster.local",
     ["--metadata", "LABELS=app=tars-hello,version=v2", "--metadata", "AERAKI_CAPABILITIES=meta_protocol_proxy"]),
    ("contrib-client", "sidecar~10.0.1.11~client-7a.demo~demo.svc.cluster.local",
     ["--metadata", "AERAKI_CAPABILITIES=kafka_broker,mysql_proxy"]),
    ("inline-routes-client", "sidecar~10.0.1.12~client-8b.demo~demo.svc.cluster.local",
     ["--metadata", "AERAKI_CAPABILITIES=inline_l7_routes"]),
]


@pytest.mark.parametrize("name,node,extra", EXAMPLE_NODES, ids=[n[0] for n in EXAMPLE_NODES])
def test_aeraki_generate_on_examples(name, node, extra):
    binary = _aeraki()
    out = subprocess.run([binary, "generate", "--config", os.path.join(ROOT, "examples"), "--node", node] + extra,
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert "rejected:" not in out.stderr, out.stderr
    summary = validate_dump(out.stdout)
    if name == "proxyless-grpc":
        assert '"name": "greeter:7070"' in out.stdout and summary["routes"] >= 1
    else:
        assert summary["listeners"] >= 5
        assert '"route_config_name": "9080"' in out.stdout  # examples/http.yaml's HTTP port
    if name not in ("client", "contrib-client", "inline-routes-client", "metaprotocol-client", "proxyless-grpc"):
        assert '"name": "0.0.0.0_' in out.stdout  # an inbound chain for the provider's own port
    if name == "dubbo-provider":
        # examples/security.yaml: STRICT for namespace dubbo, so no inbound chain accepts plaintext.
        dump = json.loads(out.stdout)
        listeners = next(c for c in dump["configs"] if c["@type"].endswith("ListenersConfigDump"))["dynamic_listeners"]
        inbound = next(l["active_state"]["listener"] for l in listeners if l["name"] == "virtualInbound")
        assert all(ch.get("filter_chain_match", {}).get("transport_protocol") != "raw_buffer" for ch in inbound["filter_chains"])
        assert '"envoy.filters.network.rbac"' in out.stdout
    if name == "metaprotocol-client":
        assert '"route_config_name": "hello.tars.svc.cluster.local_18015"' in out.stdout
        assert '"name": "hello.tars.svc.cluster.local_18015"' in out.stdout  # served as RDS
    if name == "tars-server":
        assert "aeraki.meta_protocol.filters.local_ratelimit" in out.stdout
    again = subprocess.run([binary, "generate", "--config", os.path.join(ROOT, "examples"), "--node", node] + extra,
                           capture_output=True, text=True, timeout=60)
    assert again.stdout == out.stdout, "generation is not deterministic"


def test_validator_applies_envoy_validation_rules():
    with open(os.path.join(ROOT, "Tests", "GeneratorTests", "Fixtures", "tcp-default", "expected.json")) as f:
        text = f.read()
    # tcp_proxy.stat_prefix has PGV min_len 1: an empty one must be rejected inside the typed_config.
    broken = text.replace('"stat_prefix": "outbound|9000||echo.tcp.svc.cluster.local"', '"stat_prefix": ""', 1)
    assert broken != text
    with pytest.raises(Problem, match="PGV"):
        validate_dump(broken)


def _golden(name):
    with open(os.path.join(ROOT, "Tests", "GeneratorTests", "Fixtures", name, "expected.json")) as f:
        return f.read()


def test_validator_requires_every_rds_name_to_be_served():
    text = _golden("http-reviews")
    broken = text.replace('"route_config_name": "9080"', '"route_config_name": "9081"', 1)
    assert broken != text
    with pytest.raises(Problem, match="not served"):
        validate_dump(broken)


def test_validator_checks_http_mirror_clusters():
    text = _golden("http-routing")
    broken = text.replace('"cluster": "outbound|8080||mirror.shop.svc.cluster.local"', '"cluster": "outbound|8080||gone"', 1)
    assert broken != text
    with pytest.raises(Problem, match="missing cluster"):
        validate_dump(broken)


def test_validator_holds_proxyless_routes_to_what_grpc_accepts():
    text = _golden("grpc-proxyless")
    broken = text.replace('"envoy.filters.http.fault": {', '"envoy.filters.http.cors": {', 1)
    assert broken != text
    with pytest.raises(Problem):
        validate_dump(broken)


def test_validator_decodes_metaprotocol_messages_with_the_proto_descriptors():
    text = _golden("metaprotocol-local-ratelimit")
    # A field meta-protocol-proxy does not define inside the MetaProtocol filter config is an error.
    broken = text.replace('"max_tokens": 5,', '"max_tokenz": 5,', 1)
    assert broken != text
    with pytest.raises(Exception, match="max_tokenz"):
        validate_dump(broken)


def test_validator_requires_every_metaprotocol_rds_to_be_served_on_ads():
    text = _golden("metaprotocol-v1")
    name = '"route_config_name": "org.apache.dubbo.samples.basic.api.demoservice_20880"'
    assert name in text
    with pytest.raises(Problem, match="is not served"):
        validate_dump(text.replace(name, '"route_config_name": "elsewhere_20880"'))
    with pytest.raises(Problem, match="not on ADS"):
        validate_dump(text.replace('"ads": {},', '"path_config_source": {"path": "/x"},', 1))
def test_validator_requires_discovered_routes_to_be_served():
    text = _golden("thrift-routing")
    assert '"trds"' in text
    dump = json.loads(text)
    dump["configs"] = [c for c in dump["configs"]
                       if not (c["@type"].endswith("RoutesConfigDump") and c.get("dynamic_route_configs"))]
    with pytest.raises(Problem, match="not served"):
        validate_dump(json.dumps(dump))


def test_validator_checks_contrib_filters():
    text = _golden("observers")
    broken = text.replace('"stat_prefix": "outbound|9092||kafka.data.svc.cluster.local"', '"stat_prefix": ""', 1)
    assert broken != text
    with pytest.raises(Problem, match="stat_prefix is required"):
        validate_dump(broken)


def test_validator_checks_redis_clusters():
    dump = json.loads(_golden("redis-cluster"))
    clusters = next(c for c in dump["configs"] if c["@type"].endswith("ClustersConfigDump"))["dynamic_active_clusters"]
    redis = next(c["cluster"] for c in clusters if c["cluster"].get("cluster_type", {}).get("name") == "envoy.clusters.redis")
    redis["lb_policy"] = "MAGLEV"
    with pytest.raises(Problem, match="CLUSTER_PROVIDED"):
        validate_dump(json.dumps(dump))
def test_validator_requires_the_tls_inspector_for_tls_chains():
    with open(os.path.join(ROOT, "Tests", "GeneratorTests", "Fixtures", "security-strict", "expected.json")) as f:
        text = f.read()
    broken = text.replace('"name": "envoy.filters.listener.tls_inspector"', '"name": "envoy.filters.listener.not_tls_inspector"')
    assert broken != text
    with pytest.raises(Problem, match="tls_inspector"):
        validate_dump(broken)


def test_validator_requires_a_plaintext_catch_all_after_istio_mtls():
    with open(os.path.join(ROOT, "Tests", "GeneratorTests", "Fixtures", "security-auto-mtls", "expected.json")) as f:
        text = f.read()
    broken = re.sub(r'("name": "tlsMode-disabled",\s*"match": )\{\}', r'\1{"tlsMode": "none"}', text, count=1)
    assert broken != text
    with pytest.raises(Problem, match="catch-all"):
        validate_dump(broken)


def test_validator_checks_generic_proxy_route_clusters():
    text = _golden("dubbo-generic-proxy")
    name = '"cluster": "outbound|20880|v1|org.apache.dubbo.samples.basic.api.demoservice"'
    assert name in text
    with pytest.raises(Problem, match="names missing cluster"):
        validate_dump(text.replace(name, '"cluster": "outbound|20880|v9|org.apache.dubbo.samples.basic.api.demoservice"', 1))
