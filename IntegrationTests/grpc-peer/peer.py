#!/usr/bin/env python3
"""Independent gRPC peer (grpcio, raw bytes, no protobuf) for transport tests.

The Swift transport tests spawn this program as a subprocess so that our gRPC
transport is exercised against an implementation we did not write. Every
message is raw bytes (generic handlers, no serializers). All output is JSON:
one object per line on stdout.

SERVER MODE
    peer.py server [--port 0] [--tls-cert F --tls-key F [--client-ca F]]
                   [--events] [--max-workers 256]

    Listens on 127.0.0.1 (port 0 = ephemeral). The first stdout line is
    {"port": N}. With --client-ca, client certificates are required (mTLS).
    With --events, one JSON line per finished RPC is also printed, e.g.
    {"event": "rpc_done", "method": "/aeraki.test.Echo/Stream",
     "cancelled": true, "echoed": 1}
    where "cancelled" means the client cancelled or disconnected mid-RPC
    (off by default so a parent that never reads stdout cannot block us).

    This is grpcio's thread-per-RPC server: at most --max-workers RPCs run at
    once (more wait in a queue). Runs until SIGTERM/SIGINT, or until stdin
    reaches EOF when stdin is a pipe or socket (so a parent that dies takes
    the server with it). A terminal, /dev/null or file stdin is not watched.

    Methods (service aeraki.test.Echo), max message size 64 MiB both ways:
      /aeraki.test.Echo/Stream    bidi. Echoes each request back unchanged, in
                                  order. A request equal to b"fail:<code>:<msg>"
                                  ends the RPC with that status code/message
                                  instead. When the client half-closes, ends
                                  with OK and trailing metadata
                                  x-echo-count: <messages echoed>.
      /aeraki.test.Echo/Unary     unary. Echoes the request.
      /aeraki.test.Echo/Metadata  unary. Replies with a JSON object (UTF-8
                                  bytes): every invocation metadata key ->
                                  value (repeated keys -> list of values,
                                  "-bin" values base64), plus "peer", and with
                                  TLS client certs "peer_identity" (SPIFFE ID
                                  if present, else first identity),
                                  "peer_identities" and "auth_context".
      /aeraki.test.Echo/Slow      bidi. Each request b"N K" makes the server
                                  send N messages of K bytes (message i filled
                                  with byte i % 256), each write waiting for
                                  flow control (the next message is produced
                                  only once the previous one is sent). Ends
                                  with OK and trailing metadata x-sent-count
                                  once the client has half-closed and all
                                  replies are written.
                                  A client calling it as server-streaming
                                  (one request, then half-close) works too.

CLIENT MODE
    peer.py client --target HOST:PORT [--ca F] [--cert F --key F]
                   [--authority NAME] [--timeout SECONDS] <scenario> [args]

    With --ca the channel uses TLS (plus client cert/key for mTLS);
    --authority sets grpc.ssl_target_name_override (TLS) or
    grpc.default_authority (plaintext). Prints one JSON object and exits 0 on
    success; on failure prints {"error": ..., ...} and exits 1 (2 = usage).

    Scenarios (against a server implementing the Echo semantics above):
      echo --count N --size K     one bidi stream to Stream; message i is
                                  pattern(i, K) (4-byte big-endian i, then byte
                                  i % 256); checks each echo in order and
                                  intact, half-closes, checks status OK.
                                  -> {"received", "status", "details",
                                      "trailing", "seconds"}
      concurrent --streams S --count N [--size K]
                                  S concurrent echo streams of N messages.
                                  -> {"streams", "ok", "failed", "received",
                                      "failures": [first few errors]}
      unary --size K              unary echo of pattern(0, K) via Unary.
      large --size BYTES          one message of BYTES (default 5 MiB) echoed
                                  by Unary and by Stream.
      disconnect [--how cancel|close|exit]
                                  opens Stream, sends one message, waits for
                                  its echo, then without half-closing:
                                  cancel = cancels the call (RST_STREAM),
                                  close = closes the channel abruptly,
                                  exit = prints the result and _exit(0)s the
                                  process (the TCP connection just drops).
                                  -> {"done": true, "how": ...}
      metadata [--header k=v ...] unary to Metadata with these headers; prints
                                  the server's JSON reply as-is.
      status --code C --message M sends b"fail:C:M" on Stream; succeeds if
                                  the RPC ends with code C and details M
                                  (details unchecked for C = 0).
                                  -> {"code", "code_name", "details"}
      slow-reader --count N --size K --delay-ms D
                                  sends b"N K" to Slow, half-closes, reads one
                                  message every D ms, checks N messages of K
                                  bytes arrive. -> {"received", "bytes", ...}

Status codes are reported as integers (grpc.StatusCode value), with names
alongside where useful.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import os
import re
import signal
import stat
import sys
import threading
import time
from concurrent import futures

import grpc
import grpc.aio

SERVICE = "aeraki.test.Echo"
M_STREAM = f"/{SERVICE}/Stream"
M_UNARY = f"/{SERVICE}/Unary"
M_METADATA = f"/{SERVICE}/Metadata"
M_SLOW = f"/{SERVICE}/Slow"

MAX_MESSAGE = 64 * 1024 * 1024
COMMON_OPTIONS = [
    ("grpc.max_send_message_length", MAX_MESSAGE),
    ("grpc.max_receive_message_length", MAX_MESSAGE),
]

CODE_BY_NUMBER = {c.value[0]: c for c in grpc.StatusCode}
FAIL_RE = re.compile(rb"^fail:(\d+):(.*)$", re.DOTALL)


def emit(obj) -> None:
    """Print one JSON line and flush (parents read us line by line)."""
    sys.stdout.write(json.dumps(obj, sort_keys=True) + "\n")
    sys.stdout.flush()


def pattern(i: int, size: int) -> bytes:
    """Message i of a sequence: 4-byte big-endian index, then byte i % 256."""
    head = (i & 0xFFFFFFFF).to_bytes(4, "big")
    return (head + bytes([i % 256]) * max(0, size - 4))[:size]


def code_number(code) -> int | None:
    return None if code is None else code.value[0]


def metadata_dict(pairs) -> dict:
    """Metadata pairs -> {key: value}; repeated keys become lists; bytes -> base64."""
    out: dict = {}
    for key, value in pairs or ():
        if isinstance(value, bytes):
            value = base64.b64encode(value).decode()
        if key in out:
            prev = out[key]
            out[key] = (prev if isinstance(prev, list) else [prev]) + [value]
        else:
            out[key] = value
    return out


# --------------------------------------------------------------------------
# Server
# --------------------------------------------------------------------------


class RpcReport:
    """--events: prints {"event": "rpc_done", ...} once BOTH the handler has
    returned and gRPC has terminated the call (so the counts are final and
    the cancellation state is known).

    A cancellation can surface in the handler as a plain end of the request
    stream (the receive completes empty before gRPC marks the call
    cancelled), so besides the handler's own observation we also ask grpcio
    at termination; that reads a grpcio internal (_state.client), guarded.
    """

    def __init__(self, method: str, context, enabled: bool = True):
        self.method, self.context, self.enabled = method, context, enabled
        self.cancelled = False
        self.extra: dict = {}
        self.pending = 2  # handler_done + call termination
        self.lock = threading.Lock()
        if enabled and not context.add_callback(self._terminated):
            self._terminated()  # already terminated

    def handler_done(self, **extra) -> None:
        self.extra = extra
        self._arrive()

    def _terminated(self) -> None:
        state = getattr(self.context, "_state", None)
        if getattr(state, "client", None) == "cancelled":
            self.cancelled = True
        self._arrive()

    def _arrive(self) -> None:
        with self.lock:
            self.pending -= 1
            if self.pending or not self.enabled:
                return
        emit({"event": "rpc_done", "method": self.method, "cancelled": self.cancelled,
              **self.extra})


class EchoService:
    """Handlers for aeraki.test.Echo; every message is raw bytes.

    The server is grpcio's synchronous (thread-per-RPC) server: unlike
    grpc.aio it reports a client cancellation to a streaming handler
    deterministically (iterating the requests raises grpc.RpcError, or the
    response generator is closed), which --events relies on.
    """

    def __init__(self, events: bool):
        self.events = events

    def _report(self, method: str, context) -> RpcReport:
        return RpcReport(method, context, enabled=self.events)

    def stream(self, request_iterator, context):
        report = self._report(M_STREAM, context)
        echoed = 0
        try:
            for message in request_iterator:
                failure = FAIL_RE.match(message)
                if failure:
                    code = CODE_BY_NUMBER.get(int(failure.group(1)), grpc.StatusCode.UNKNOWN)
                    details = failure.group(2).decode("utf-8", "replace")
                    context.set_trailing_metadata((("x-echo-count", str(echoed)),))
                    if code is grpc.StatusCode.OK:  # abort() refuses OK
                        context.set_code(code)
                        context.set_details(details)
                        return
                    context.abort(code, details)  # raises
                # Count before yielding: a client that vanishes after reading the echo closes this
                # generator at the yield, and the echo it received must still be counted.
                echoed += 1
                yield message
            context.set_trailing_metadata((("x-echo-count", str(echoed)),))
        except (grpc.RpcError, GeneratorExit):
            # RpcError: reading after the client cancelled / disconnected.
            # GeneratorExit: a write failed for the same reason.
            report.cancelled = True
            raise
        finally:
            report.handler_done(echoed=echoed)

    def unary(self, request, context):
        self._report(M_UNARY, context).handler_done()
        return request

    def metadata(self, request, context):
        reply = metadata_dict(context.invocation_metadata())
        reply["peer"] = context.peer()
        auth = context.auth_context() or {}
        reply["auth_context"] = {
            key: [v.decode("utf-8", "replace") for v in values]
            for key, values in auth.items() if key != "x509_pem_cert"
        }
        identities = [v.decode("utf-8", "replace") for v in (context.peer_identities() or [])]
        if identities:
            spiffe = reply["auth_context"].get("peer_spiffe_id") or [
                i for i in identities if i.startswith("spiffe://")]
            reply["peer_identities"] = identities
            reply["peer_identity"] = spiffe[0] if spiffe else identities[0]
        self._report(M_METADATA, context).handler_done()
        return json.dumps(reply, sort_keys=True).encode()

    def slow(self, request_iterator, context):
        report = self._report(M_SLOW, context)
        sent = 0
        try:
            for request in request_iterator:
                try:
                    count, size = (int(x) for x in request.split())
                except ValueError:
                    context.abort(grpc.StatusCode.INVALID_ARGUMENT, 'Slow expects a request "N K"')
                for i in range(count):
                    # The sync server sends one message at a time and waits
                    # for it to clear HTTP/2 flow control before pulling the
                    # next one from this generator: a slow reader stalls us.
                    yield bytes([i % 256]) * size
                    sent += 1
            context.set_trailing_metadata((("x-sent-count", str(sent)),))
        except (grpc.RpcError, GeneratorExit):
            report.cancelled = True
            raise
        finally:
            report.handler_done(sent=sent)

    def generic_handler(self):
        return grpc.method_handlers_generic_handler(SERVICE, {
            "Stream": grpc.stream_stream_rpc_method_handler(
                self.stream, request_deserializer=None, response_serializer=None),
            "Unary": grpc.unary_unary_rpc_method_handler(
                self.unary, request_deserializer=None, response_serializer=None),
            "Metadata": grpc.unary_unary_rpc_method_handler(
                self.metadata, request_deserializer=None, response_serializer=None),
            "Slow": grpc.stream_stream_rpc_method_handler(
                self.slow, request_deserializer=None, response_serializer=None),
        })


def read_file(path: str | None) -> bytes | None:
    if path is None:
        return None
    with open(path, "rb") as f:
        return f.read()


def stdin_is_watchable() -> bool:
    """Only pipes and sockets signal 'parent went away' by EOF."""
    try:
        mode = os.fstat(sys.stdin.fileno()).st_mode
    except (OSError, ValueError):
        return False
    return stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode)


def run_server(args) -> int:
    # Each streaming RPC holds a worker thread for its lifetime.
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=args.max_workers),
                         options=COMMON_OPTIONS)
    server.add_generic_rpc_handlers((EchoService(args.events).generic_handler(),))
    address = f"127.0.0.1:{args.port}"
    if args.tls_cert or args.tls_key:
        if not (args.tls_cert and args.tls_key):
            emit({"error": "--tls-cert and --tls-key go together"})
            return 2
        creds = grpc.ssl_server_credentials(
            [(read_file(args.tls_key), read_file(args.tls_cert))],
            root_certificates=read_file(args.client_ca),
            require_client_auth=args.client_ca is not None)
        port = server.add_secure_port(address, creds)
    else:
        if args.client_ca:
            emit({"error": "--client-ca needs --tls-cert/--tls-key"})
            return 2
        port = server.add_insecure_port(address)
    if not port:
        emit({"error": f"could not bind {address}"})
        return 1
    server.start()
    emit({"port": port})

    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    if stdin_is_watchable():
        def watch_stdin():
            while os.read(sys.stdin.fileno(), 4096):
                pass
            stop.set()
        threading.Thread(target=watch_stdin, daemon=True).start()

    while not stop.wait(0.5):  # short waits keep signal handling prompt
        pass
    server.stop(grace=0.5).wait()
    return 0


# --------------------------------------------------------------------------
# Client
# --------------------------------------------------------------------------


class ScenarioError(Exception):
    """Raised by a scenario; its fields become the {"error": ...} report."""

    def __init__(self, message: str, **fields):
        super().__init__(message)
        self.fields = {"error": message, **fields}


def make_channel(args) -> grpc.aio.Channel:
    options = list(COMMON_OPTIONS) + [("grpc.enable_http_proxy", 0)]
    if args.ca:
        if args.authority:
            options.append(("grpc.ssl_target_name_override", args.authority))
        creds = grpc.ssl_channel_credentials(
            read_file(args.ca), read_file(args.key), read_file(args.cert))
        return grpc.aio.secure_channel(args.target, creds, options=options)
    if args.authority:
        options.append(("grpc.default_authority", args.authority))
    return grpc.aio.insecure_channel(args.target, options=options)


def bidi(channel, method):
    return channel.stream_stream(method, request_serializer=None, response_deserializer=None)


def unary(channel, method):
    return channel.unary_unary(method, request_serializer=None, response_deserializer=None)


async def echo_stream(channel, count: int, size: int, timeout: float) -> dict:
    """One bidi echo stream: writer and reader run concurrently (no deadlock
    when N*K exceeds flow-control windows). Raises ScenarioError on mismatch."""
    call = bidi(channel, M_STREAM)(timeout=timeout)

    async def writer():
        for i in range(count):
            await call.write(pattern(i, size))
        await call.done_writing()

    write_task = asyncio.ensure_future(writer())
    received = 0
    try:
        while True:
            message = await call.read()
            if message is grpc.aio.EOF:
                break
            if received >= count:
                raise ScenarioError("more echoes than messages sent", received=received + 1)
            if message != pattern(received, size):
                raise ScenarioError("echo mismatch", index=received,
                                    expected_len=size, got_len=len(message))
            received += 1
        await write_task
    except grpc.aio.AioRpcError as e:
        raise ScenarioError("rpc failed", code=code_number(e.code()),
                            details=e.details(), received=received) from None
    finally:
        if not write_task.done():
            write_task.cancel()
            call.cancel()
    code = await call.code()
    result = {"received": received, "status": code_number(code),
              "details": await call.details(),
              "trailing": metadata_dict(await call.trailing_metadata())}
    if code is not grpc.StatusCode.OK:
        raise ScenarioError("non-OK status", **result)
    if received != count:
        raise ScenarioError("missing echoes", expected=count, **result)
    return result


async def scenario_echo(channel, args) -> dict:
    start = time.monotonic()
    result = await echo_stream(channel, args.count, args.size, args.timeout)
    result["seconds"] = round(time.monotonic() - start, 6)
    return result


async def scenario_concurrent(channel, args) -> dict:
    async def one(index):
        try:
            return await echo_stream(channel, args.count, args.size, args.timeout)
        except ScenarioError as e:
            return {"stream": index, **e.fields}

    start = time.monotonic()
    results = await asyncio.gather(*(one(i) for i in range(args.streams)))
    failures = [r for r in results if "error" in r]
    report = {"streams": args.streams, "ok": len(results) - len(failures),
              "failed": len(failures), "failures": failures[:5],
              "received": sum(r.get("received", 0) for r in results),
              "seconds": round(time.monotonic() - start, 6)}
    if failures:
        raise ScenarioError("some streams failed", **report)
    return report


async def unary_echo(channel, message: bytes, timeout: float) -> None:
    try:
        reply = await unary(channel, M_UNARY)(message, timeout=timeout)
    except grpc.aio.AioRpcError as e:
        raise ScenarioError("unary rpc failed", code=code_number(e.code()),
                            details=e.details()) from None
    if reply != message:
        raise ScenarioError("unary echo mismatch", expected_len=len(message), got_len=len(reply))


async def scenario_unary(channel, args) -> dict:
    await unary_echo(channel, pattern(0, args.size), args.timeout)
    return {"unary": "ok", "size": args.size}


async def scenario_large(channel, args) -> dict:
    start = time.monotonic()
    await unary_echo(channel, pattern(7, args.size), args.timeout)
    unary_seconds = time.monotonic() - start
    stream = await echo_stream(channel, 1, args.size, args.timeout)
    return {"size": args.size, "unary": "ok", "stream": "ok",
            "trailing": stream["trailing"],
            "seconds": round(time.monotonic() - start, 6),
            "unary_seconds": round(unary_seconds, 6)}


async def scenario_disconnect(channel, args) -> dict:
    call = bidi(channel, M_STREAM)(timeout=args.timeout)
    message = b"disconnect-me"
    try:
        await call.write(message)
        echo = await call.read()
    except grpc.aio.AioRpcError as e:
        raise ScenarioError("rpc failed before disconnect", code=code_number(e.code()),
                            details=e.details()) from None
    if echo != message:
        raise ScenarioError("echo mismatch before disconnect")
    result = {"done": True, "how": args.how, "echoed": True}
    if args.how == "exit":
        emit(result)
        os._exit(0)  # no RST_STREAM, no GOAWAY: the socket just closes
    if args.how == "cancel":
        call.cancel()
        await asyncio.sleep(0.1)  # let the RST_STREAM reach the wire
    await channel.close(grace=None)
    return result


async def scenario_metadata(channel, args) -> dict:
    headers = []
    for header in args.header:
        key, sep, value = header.partition("=")
        if not sep:
            raise ScenarioError(f"--header expects k=v, got {header!r}")
        headers.append((key.lower(), value.encode() if key.lower().endswith("-bin") else value))
    try:
        reply = await unary(channel, M_METADATA)(b"", metadata=headers, timeout=args.timeout)
    except grpc.aio.AioRpcError as e:
        raise ScenarioError("metadata rpc failed", code=code_number(e.code()),
                            details=e.details()) from None
    try:
        return json.loads(reply)
    except ValueError:
        raise ScenarioError("reply is not JSON", reply=reply.decode("utf-8", "replace")) from None


async def scenario_status(channel, args) -> dict:
    call = bidi(channel, M_STREAM)(timeout=args.timeout)
    await call.write(f"fail:{args.code}:{args.message}".encode())
    extra = []
    try:
        while (message := await call.read()) is not grpc.aio.EOF:
            extra.append(len(message))
    except grpc.aio.AioRpcError:
        pass  # the status is read below
    code = await call.code()
    result = {"code": code_number(code), "code_name": code.name if code else None,
              "details": await call.details(),
              "trailing": metadata_dict(await call.trailing_metadata())}
    if extra:
        raise ScenarioError("unexpected messages before status", messages=len(extra), **result)
    # grpcio does not deliver details with OK, so for code 0 only the code counts.
    if result["code"] != args.code or (args.code != 0 and result["details"] != args.message):
        raise ScenarioError("status mismatch", expected_code=args.code,
                            expected_details=args.message, **result)
    return result


async def scenario_slow_reader(channel, args) -> dict:
    call = bidi(channel, M_SLOW)(timeout=args.timeout)
    start = time.monotonic()
    received = total = 0
    try:
        await call.write(f"{args.count} {args.size}".encode())
        await call.done_writing()
        while (message := await call.read()) is not grpc.aio.EOF:
            if len(message) != args.size or message[:1] not in (b"", bytes([received % 256])):
                raise ScenarioError("bad message", index=received, got_len=len(message))
            received += 1
            total += len(message)
            if args.delay_ms:
                await asyncio.sleep(args.delay_ms / 1000)
    except grpc.aio.AioRpcError as e:
        raise ScenarioError("rpc failed", code=code_number(e.code()), details=e.details(),
                            received=received) from None
    code = await call.code()
    result = {"received": received, "bytes": total, "status": code_number(code),
              "trailing": metadata_dict(await call.trailing_metadata()),
              "seconds": round(time.monotonic() - start, 6)}
    if code is not grpc.StatusCode.OK or received != args.count:
        raise ScenarioError("slow-reader mismatch", expected=args.count, **result)
    return result


SCENARIOS = {
    "echo": scenario_echo,
    "concurrent": scenario_concurrent,
    "unary": scenario_unary,
    "large": scenario_large,
    "disconnect": scenario_disconnect,
    "metadata": scenario_metadata,
    "status": scenario_status,
    "slow-reader": scenario_slow_reader,
}


async def run_client(args) -> int:
    if bool(args.cert) != bool(args.key) or (args.cert and not args.ca):
        emit({"error": "--cert and --key go together and need --ca"})
        return 2
    channel = make_channel(args)
    try:
        result = await SCENARIOS[args.scenario](channel, args)
    except ScenarioError as e:
        emit({"scenario": args.scenario, **e.fields})
        return 1
    except Exception as e:  # noqa: BLE001 - report anything as JSON
        emit({"scenario": args.scenario, "error": f"{type(e).__name__}: {e}"})
        return 1
    finally:
        await channel.close(grace=None)
    if args.scenario == "metadata":
        emit(result)  # the server's reply, unchanged
    else:
        emit({"scenario": args.scenario, **result})
    return 0


# --------------------------------------------------------------------------
# Command line
# --------------------------------------------------------------------------


class JSONArgumentParser(argparse.ArgumentParser):
    """Usage errors are reported as JSON too (exit 2)."""

    def error(self, message):
        emit({"error": f"usage: {message}"})
        sys.exit(2)


def parse_args(argv):
    parser = JSONArgumentParser(description="Independent gRPC peer for transport tests "
                                "(see the module docstring).")
    modes = parser.add_subparsers(dest="mode", required=True, parser_class=JSONArgumentParser)

    server = modes.add_parser("server", help="run the Echo server")
    server.add_argument("--port", type=int, default=0)
    server.add_argument("--tls-cert")
    server.add_argument("--tls-key")
    server.add_argument("--client-ca", help="require client certs signed by this CA")
    server.add_argument("--events", action="store_true", help="print a JSON line per finished RPC")
    server.add_argument("--max-workers", type=int, default=256,
                        help="worker threads = max concurrently running RPCs")

    client = modes.add_parser("client", help="run one scenario against an Echo server")
    client.add_argument("--target", required=True)
    client.add_argument("--ca")
    client.add_argument("--cert")
    client.add_argument("--key")
    client.add_argument("--authority")
    client.add_argument("--timeout", type=float, default=30.0, help="per-RPC deadline (s)")
    scenarios = client.add_subparsers(dest="scenario", required=True,
                                      parser_class=JSONArgumentParser)

    s = scenarios.add_parser("echo")
    s.add_argument("--count", type=int, default=100)
    s.add_argument("--size", type=int, default=1024)
    s = scenarios.add_parser("concurrent")
    s.add_argument("--streams", type=int, default=16)
    s.add_argument("--count", type=int, default=100)
    s.add_argument("--size", type=int, default=32)
    s = scenarios.add_parser("unary")
    s.add_argument("--size", type=int, default=1024)
    s = scenarios.add_parser("large")
    s.add_argument("--size", type=int, default=5 * 1024 * 1024)
    s = scenarios.add_parser("disconnect")
    s.add_argument("--how", choices=("cancel", "close", "exit"), default="cancel")
    s = scenarios.add_parser("metadata")
    s.add_argument("--header", action="append", default=[], metavar="K=V")
    s = scenarios.add_parser("status")
    s.add_argument("--code", type=int, required=True)
    s.add_argument("--message", default="")
    s = scenarios.add_parser("slow-reader")
    s.add_argument("--count", type=int, default=100)
    s.add_argument("--size", type=int, default=65536)
    s.add_argument("--delay-ms", type=float, default=10.0)
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    if args.mode == "server":
        return run_server(args)
    return asyncio.run(run_client(args))


if __name__ == "__main__":
    sys.exit(main())
