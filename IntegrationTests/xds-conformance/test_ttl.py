"""§6 cases 44–45: TTL and heartbeats (deferred, as the issue allows)."""
import pytest


def test_44_ttl_resource_wrapper():
    pytest.skip("deferred (allowed by the issue): resource TTLs and the SotW Resource wrapper are not implemented")


def test_45_heartbeats():
    pytest.skip("deferred (allowed by the issue): TTL heartbeats are not implemented")
