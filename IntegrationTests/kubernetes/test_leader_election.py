"""Two `aeraki serve` replicas against the fake Kubernetes API server: only the one holding the
`coordination.k8s.io/v1` Lease writes status; when it stops renewing (paused with SIGSTOP), the other
takes the Lease over once it expires and writes from then on. Short lease (1.5 s) instead of sleeps."""
import os
import signal
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "e2e"))
from e2e_harness import wait_for  # noqa: E402
from test_kubernetes_source import MR, cluster, metarouter, rejected  # noqa: E402,F401

LEASES = ("coordination.k8s.io", "v1", "leases")


def lease(api):
    return api.get("coordination.k8s.io/v1", "Lease", "istio-system", "aeraki-status")


def condition(api, name):
    obj = api.get(MR, "MetaRouter", "meta", name) or {}
    return next((c for c in obj.get("status", {}).get("conditions", []) if c["type"] == "Reconciled"), None)


def writes(aeraki):
    return aeraki.logs().count("status written")


def test_only_the_lease_holder_writes_status_and_the_other_takes_over(cluster):  # noqa: F811
    api, serve = cluster
    api.apply(metarouter("bad-1", subset_weights=[30, 30]))
    first = serve("--kubernetes-lease-seconds", "1.5")
    assert wait_for(lambda: (condition(api, "bad-1") or {}).get("status") == "False", timeout=10), first.logs()
    second = serve("--kubernetes-lease-seconds", "1.5")
    holder = lease(api)["spec"]["holderIdentity"]
    assert "leading: this replica writes status" in first.logs()

    # Both see every change; only the holder writes, and keeps renewing.
    api.apply(metarouter("bad-2", subset_weights=[10, 10]))
    assert wait_for(lambda: (condition(api, "bad-2") or {}).get("status") == "False", timeout=10)
    renewed = lease(api)["spec"]["renewTime"]
    assert wait_for(lambda: lease(api)["spec"]["renewTime"] != renewed, timeout=5)
    assert lease(api)["spec"]["holderIdentity"] == holder
    assert wait_for(lambda: rejected(second, "meta/bad-2"), timeout=5)  # the follower saw it, and rejects it too
    assert wait_for(lambda: writes(first) == 2) and writes(second) == 0, (first.logs()[-2000:], second.logs()[-2000:])
    assert "leading" not in second.logs()

    # The leader stops renewing: the follower takes over after the lease expires, and writes.
    first.proc.send_signal(signal.SIGSTOP)
    try:
        taken = wait_for(lambda: lease(api)["spec"]["holderIdentity"] != holder, timeout=10)
        assert taken, lease(api)
        assert lease(api)["spec"]["leaseTransitions"] == 1
        assert wait_for(lambda: "leading: this replica writes status" in second.logs(), timeout=5)
        api.apply(metarouter("bad-3", subset_weights=[20, 20]))
        assert wait_for(lambda: (condition(api, "bad-3") or {}).get("status") == "False", timeout=10), second.logs()
        assert wait_for(lambda: writes(second) == 1, timeout=5), second.logs()[-2000:]
    finally:
        first.proc.send_signal(signal.SIGCONT)
    # The old leader, resumed, knows its renewal is stale: it follows and writes nothing more.
    api.apply(metarouter("bad-4", subset_weights=[40, 40]))
    assert wait_for(lambda: (condition(api, "bad-4") or {}).get("status") == "False", timeout=10)
    time.sleep(0.5)
    assert writes(first) == 2, first.logs()[-2000:]
    assert wait_for(lambda: "not leading: status writes stop" in first.logs(), timeout=5), first.logs()[-2000:]
    lease_writes = [w for w in api.writes if w["resource"] == LEASES]
    assert {w["object"]["spec"]["holderIdentity"] for w in lease_writes} == {holder, lease(api)["spec"]["holderIdentity"]}


def test_a_leader_shutting_down_releases_the_lease_and_the_other_takes_over_at_once(cluster):  # noqa: F811
    api, serve = cluster
    # A 30 s lease: waiting for it to expire would take 30 s; the release hands it over in one retry period (4 s).
    first = serve("--kubernetes-lease-seconds", "30")
    assert wait_for(lambda: lease(api) is not None, timeout=10), first.logs()
    holder = lease(api)["spec"]["holderIdentity"]
    second = serve("--kubernetes-lease-seconds", "30")
    assert wait_for(lambda: "k8s.resource=/apis/metaprotocol.aeraki.io/v1alpha1/metarouters" in second.logs(), timeout=10)
    started = time.time()
    assert first.terminate(timeout=10) == 0
    assert "lease released" in first.logs()
    assert wait_for(lambda: lease(api)["spec"]["holderIdentity"] not in ("", holder), timeout=10), lease(api)
    assert time.time() - started < 10
    api.apply(metarouter("bad", subset_weights=[30, 30]))
    assert wait_for(lambda: (condition(api, "bad") or {}).get("status") == "False", timeout=10), second.logs()
    assert wait_for(lambda: writes(second) == 1, timeout=5)
