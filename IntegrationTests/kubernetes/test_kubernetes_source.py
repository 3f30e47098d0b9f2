"""`aeraki serve --kubeconfig` against a fake Kubernetes API server (fake_kube_api.py): Aeraki's
kinds listed and watched into the config store (seen on /debug/configz), status written on rejected
resources, and nothing lost across 410 Gone, dropped watches and an API server outage."""
import json
import os
import sys
import tempfile

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "e2e"))
from e2e_harness import Aeraki, wait_for  # noqa: E402
from fake_kube_api import FakeKubeAPI  # noqa: E402

MR = "metaprotocol.aeraki.io/v1alpha1"


def metarouter(name, host="thrift-sample-server.meta.svc.cluster.local", subset_weights=None, namespace="meta"):
    route = [{"destination": {"host": host}}] if subset_weights is None else [
        {"destination": {"host": host}, "weight": w} for w in subset_weights]
    return {"apiVersion": MR, "kind": "MetaRouter", "metadata": {"name": name, "namespace": namespace},
            "spec": {"hosts": [host], "routes": [{"name": "default", "route": route}]}}


def app_protocol(name, protocol):
    return {"apiVersion": MR, "kind": "ApplicationProtocol", "metadata": {"name": name},
            "spec": {"protocol": protocol, "codec": f"aeraki.meta_protocol.codec.{protocol}"}}


@pytest.fixture
def cluster():
    api = FakeKubeAPI().start()
    directory = tempfile.mkdtemp(prefix="aeraki-k8s-")
    kubeconfig = api.kubeconfig(os.path.join(directory, "kubeconfig"))
    empty = os.path.join(directory, "config")
    os.mkdir(empty)
    servers = []

    def serve(*extra):
        aeraki = Aeraki(config_dir=empty, extra=("--kubeconfig", kubeconfig, "--mesh-config", os.path.join(directory, "mesh"), *extra))
        servers.append(aeraki)
        return aeraki

    yield api, serve
    for aeraki in servers:
        aeraki.stop()
    api.stop()


def resources(aeraki, kind="metaprotocol.aeraki.io/MetaRouter"):
    return {f"{r['namespace']}/{r['name']}": r for r in aeraki.json("/debug/configz")["resources"] if r["kind"] == kind}


def rejected(aeraki, name):
    return [p for p in aeraki.json("/debug/configz")["rejected"] if name in (p.get("resource") or "")]


def spec(entry):
    value = entry.get("spec")
    return json.loads(value) if isinstance(value, str) else value


def test_listed_then_created_updated_and_deleted_through_the_watch(cluster):
    api, serve = cluster
    api.apply(metarouter("listed"))
    aeraki = serve()
    assert wait_for(lambda: "meta/listed" in resources(aeraki), timeout=10), aeraki.logs()
    entry = resources(aeraki)["meta/listed"]
    assert entry["source"].startswith("kubernetes metaprotocol.aeraki.io/v1alpha1/metarouters meta/listed")
    assert wait_for(lambda: aeraki.get("/readyz")[0] == 200)

    api.apply(metarouter("watched"))
    assert wait_for(lambda: "meta/watched" in resources(aeraki)), aeraki.logs()

    api.apply(metarouter("watched", host="other.meta.svc.cluster.local"))
    assert wait_for(lambda: spec(resources(aeraki).get("meta/watched", {})).get("hosts") == ["other.meta.svc.cluster.local"]), resources(aeraki)

    api.delete(MR, "MetaRouter", "meta", "watched")
    assert wait_for(lambda: "meta/watched" not in resources(aeraki))
    assert "meta/listed" in resources(aeraki)

    api.apply(app_protocol("brpc", "brpc"))
    assert wait_for(lambda: "/brpc" in resources(aeraki, "metaprotocol.aeraki.io/ApplicationProtocol"))
    # Every request carried the token, and watches asked for bookmarks.
    assert any("allowWatchBookmarks=true" in r for r in api.requests)


def test_a_bad_resource_is_rejected_with_its_status_written_and_cleared_when_fixed(cluster):
    api, serve = cluster
    aeraki = serve()
    api.apply(metarouter("good"))
    assert wait_for(lambda: "meta/good" in resources(aeraki), timeout=10), aeraki.logs()
    # Two destinations whose weights do not add up to 100: the schema allows it, the webhook does not.
    api.apply(metarouter("bad", subset_weights=[30, 30]))
    assert wait_for(lambda: rejected(aeraki, "meta/bad"), timeout=10), aeraki.json("/debug/configz")
    assert "meta/bad" not in resources(aeraki)

    def condition(name):
        obj = api.get(MR, "MetaRouter", "meta", name) or {}
        conditions = obj.get("status", {}).get("conditions", [])
        return next((c for c in conditions if c["type"] == "Reconciled"), None)

    bad = wait_for(lambda: condition("bad") if (condition("bad") or {}).get("status") == "False" else None, timeout=10)
    assert bad, api.status_patches
    assert bad["reason"] == "Rejected"
    assert "weights add up to 60, not 100" in bad["message"]
    assert bad["observedGeneration"] == 1
    assert wait_for(lambda: (condition("good") or {}).get("status") == "True", timeout=10)

    patches = len(api.status_patches)
    api.apply(metarouter("bad", subset_weights=[30, 70]))
    assert wait_for(lambda: "meta/bad" in resources(aeraki), timeout=10)
    fixed = wait_for(lambda: condition("bad") if (condition("bad") or {}).get("status") == "True" else None, timeout=10)
    assert fixed and fixed["observedGeneration"] == 2 and fixed["message"] == ""
    # A status write comes back as a watch event; it must not cause another write.
    settled = len(api.status_patches)
    assert settled > patches
    import time
    time.sleep(1.0)
    assert len(api.status_patches) == settled, api.status_patches[settled:]


def test_410_gone_relists_and_bookmarks_keep_idle_watches_current(cluster):
    api, serve = cluster
    api.apply(metarouter("one"))
    aeraki = serve()
    assert wait_for(lambda: "meta/one" in resources(aeraki), timeout=10), aeraki.logs()
    lists = lambda plural: sum(1 for r in api.requests if r.startswith("GET") and f"/{plural}" in r and "watch=true" not in r)  # noqa: E731
    assert lists("metarouters") == 1

    # Writes to another kind move the global resource version on; the idle MetaRouter watch only
    # learns of it through bookmarks. After compaction, a watch resumed from a bookmark is current.
    api.apply(app_protocol("trpc", "trpc"))
    import time
    time.sleep(api.bookmark_interval * 3)
    api.compact()
    api.drop_watches()
    api.apply(metarouter("two"))
    assert wait_for(lambda: "meta/two" in resources(aeraki), timeout=10), aeraki.logs()
    assert lists("metarouters") == 1, api.requests

    # Without a bookmark to save it (the watch is cut before one arrives), the resume gets 410 Gone:
    # Aeraki lists again, and what changed in between is not lost.
    api.bookmark_interval = 60
    api.drop_watches()
    time.sleep(0.3)
    api.apply(metarouter("three"))
    api.delete(MR, "MetaRouter", "meta", "one")
    api.compact()
    api.drop_watches()
    assert wait_for(lambda: "meta/three" in resources(aeraki) and "meta/one" not in resources(aeraki), timeout=10), aeraki.logs()
    assert lists("metarouters") >= 2, api.requests


def test_the_last_config_keeps_serving_through_an_outage_and_nothing_is_lost(cluster):
    api, serve = cluster
    api.apply(metarouter("stays"))
    api.apply(metarouter("goes"))
    aeraki = serve()
    assert wait_for(lambda: {"meta/stays", "meta/goes"} <= set(resources(aeraki)), timeout=10), aeraki.logs()
    assert wait_for(lambda: aeraki.get("/readyz")[0] == 200)

    api.stop()
    import time
    time.sleep(1.5)  # Aeraki retries with backoff meanwhile
    assert {"meta/stays", "meta/goes"} <= set(resources(aeraki))
    assert aeraki.get("/readyz")[0] == 200
    # Changes made while Aeraki cannot see the server.
    api.apply(metarouter("arrives"))
    api.delete(MR, "MetaRouter", "meta", "goes")
    api.start()
    assert wait_for(lambda: "meta/arrives" in resources(aeraki) and "meta/goes" not in resources(aeraki), timeout=20), aeraki.logs()
    assert "meta/stays" in resources(aeraki)
    assert "Kubernetes API unavailable; keeping the last config" in aeraki.logs()


def test_sigterm_stops_the_watches_and_exits_cleanly(cluster):
    api, serve = cluster
    api.apply(metarouter("one"))
    aeraki = serve()
    assert wait_for(lambda: "meta/one" in resources(aeraki), timeout=10), aeraki.logs()
    import time
    started = time.time()
    assert aeraki.terminate(timeout=10) == 0, aeraki.logs()
    assert time.time() - started < 5


def test_a_rotated_token_file_is_read_again(cluster):
    api, serve = cluster
    directory = tempfile.mkdtemp(prefix="aeraki-token-")
    token_file = os.path.join(directory, "token")
    with open(token_file, "w") as f:
        f.write(api.token + "\n")
    kubeconfig = os.path.join(directory, "kubeconfig")
    api.kubeconfig(kubeconfig)
    with open(kubeconfig) as f:
        text = f.read().replace(f"user: {{token: {api.token}}}", "user: {tokenFile: token}")
    with open(kubeconfig, "w") as f:
        f.write(text)
    aeraki = serve("--kubeconfig", kubeconfig)
    api.apply(metarouter("before"))
    assert wait_for(lambda: "meta/before" in resources(aeraki), timeout=10), aeraki.logs()

    api.token = "rotated-token"
    with open(token_file, "w") as f:
        f.write("rotated-token\n")
    api.drop_watches()
    api.apply(metarouter("after"))
    assert wait_for(lambda: "meta/after" in resources(aeraki), timeout=15), aeraki.logs()
