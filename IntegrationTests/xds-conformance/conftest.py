import itertools
import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from xds_harness import Server  # noqa: E402

_ids = itertools.count(1)


@pytest.fixture(scope="module")
def server():
    s = Server()
    yield s
    s.stop()


@pytest.fixture
def node_id(request):
    """A fresh node id (and folder) per test."""
    return f"node-{request.node.name.split('[')[0].replace('_', '-')}-{next(_ids)}"
