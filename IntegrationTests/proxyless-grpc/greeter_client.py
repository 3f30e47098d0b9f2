"""A proxyless gRPC client: grpcio's own xDS resolver and xDS client (GRPC_XDS_BOOTSTRAP points at
`aeraki serve`), run as its own process so its global xDS client state is its own.

Prints one JSON line per phase: the backends the split, the header match and the fault abort
reached; then waits for a line on stdin (the test edited the VirtualService) and prints how long
it took until every RPC reached v2."""
import collections
import json
import sys
import time

import grpc

METHOD = "/greeter.Greeter/SayHello"


def main():
    target = sys.argv[1]
    channel = grpc.insecure_channel(target)
    call = channel.unary_unary(METHOD)

    def rpc(metadata=(), wait=False):
        try:
            return call(b"hi", metadata=metadata, timeout=10, wait_for_ready=wait).decode()
        except grpc.RpcError as error:
            return "status:" + error.code().name

    first = rpc(wait=True)
    split = collections.Counter(rpc() for _ in range(400))
    header = collections.Counter(rpc(metadata=(("x-version", "v2"),)) for _ in range(50))
    fault = collections.Counter(rpc(metadata=(("x-fail", "yes"),)) for _ in range(20))
    print(json.dumps({"first": first, "split": split, "header": header, "fault": fault}), flush=True)

    sys.stdin.readline()
    start = time.time()
    streak = 0
    while time.time() - start < 20 and streak < 30:
        streak = streak + 1 if rpc() == "v2" else 0
    print(json.dumps({"all_v2_after": time.time() - start if streak >= 30 else None}), flush=True)
    channel.close()


if __name__ == "__main__":
    main()
