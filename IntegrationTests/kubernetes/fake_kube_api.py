"""A fake Kubernetes API server with the list/watch semantics Aeraki relies on.

- One global resourceVersion counter, bumped by every write; objects carry theirs in
  metadata.resourceVersion, lists carry the collection's.
- GET a collection: a list. With ?watch=true&resourceVersion=RV: a chunked stream of JSON lines,
  first every event after RV still in the event log, then new events as they happen; BOOKMARK events
  every `bookmark_interval` seconds when allowWatchBookmarks=true; ends after timeoutSeconds. An RV
  older than the compacted log gets one ERROR event with a 410 Expired Status, as the real server does.
- GET .../NAME reads one object; POST to a collection creates (409 when it exists); PUT .../NAME
  replaces, with metadata.resourceVersion as the precondition (409 Conflict when stale) — what
  leader election does with a Lease; every POST and PUT is recorded in `writes`.
- Core-group paths (/api/v1/...) are served like /apis/GROUP/VERSION/... with the group "".
- PATCH .../NAME/status with application/merge-patch+json: merges into status, bumps the RV, emits
  MODIFIED; every patch is recorded in `status_patches`.
- Test controls: create/update/delete, compact() (later watches from old RVs get 410),
  drop_watches() (every open watch is cut mid-stream), stop()/start() (the server is down in between,
  on the same port), and a bearer token that every request must carry.
"""
import copy
import json
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class FakeKubeAPI:
    def __init__(self, token="test-token", bookmark_interval=0.5):
        self.token = token
        self.bookmark_interval = bookmark_interval
        self.lock = threading.Condition()
        self.rv = 100
        self.objects = {}  # (group, version, plural) -> {(ns, name): object}
        self.events = []  # (rv, (group, version, plural), type, object)
        self.compacted = 0
        self.status_patches = []
        self.writes = []  # POST and PUT requests, in order
        self.requests = []
        self.generation = 0  # bumped by drop_watches: open watches with an older one end
        self.server = None
        self.port = 0

    # --- lifecycle -----------------------------------------------------------------------------

    def start(self):
        api = self

        class Handler(_Handler):
            fake = api

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self):
        """The server goes away: the listener closes and every open watch is cut."""
        server, self.server = self.server, None
        self.drop_watches()
        if server:
            server.shutdown()
            server.server_close()

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def kubeconfig(self, path):
        with open(path, "w") as f:
            f.write(f"""apiVersion: v1
kind: Config
current-context: fake
contexts:
- name: fake
  context: {{cluster: fake, user: tester}}
clusters:
- name: fake
  cluster: {{server: "{self.url}"}}
users:
- name: tester
  user: {{token: {self.token}}}
""")
        return path

    # --- writes ------------------------------------------------------------------------------

    def _emit(self, resource, kind, obj):
        self.rv += 1
        obj["metadata"]["resourceVersion"] = str(self.rv)
        self.events.append((self.rv, resource, kind, copy.deepcopy(obj)))
        self.lock.notify_all()

    def apply(self, obj):
        """Creates or updates `obj` (a dict with apiVersion, kind, metadata, spec)."""
        resource = _resource_of(obj)
        key = (obj["metadata"].get("namespace", ""), obj["metadata"]["name"])
        with self.lock:
            store = self.objects.setdefault(resource, {})
            previous = store.get(key)
            obj = copy.deepcopy(obj)
            meta = obj["metadata"]
            meta.setdefault("uid", f"uid-{key[0]}-{key[1]}")
            meta.setdefault("creationTimestamp", "2025-01-01T00:00:00Z")
            if previous is None:
                meta["generation"] = 1
            else:
                meta["generation"] = previous["metadata"]["generation"] + (previous.get("spec") != obj.get("spec"))
                if "status" in previous:
                    obj["status"] = previous["status"]
            store[key] = obj
            self._emit(resource, "ADDED" if previous is None else "MODIFIED", obj)
            return copy.deepcopy(obj)

    def delete(self, api_version, kind, namespace, name):
        resource = _resource_of({"apiVersion": api_version, "kind": kind})
        with self.lock:
            obj = self.objects.get(resource, {}).pop((namespace, name))
            self._emit(resource, "DELETED", obj)

    def get(self, api_version, kind, namespace, name):
        resource = _resource_of({"apiVersion": api_version, "kind": kind})
        with self.lock:
            obj = self.objects.get(resource, {}).get((namespace, name))
            return copy.deepcopy(obj)

    def compact(self):
        """Forgets every event so far: a watch from an older resourceVersion gets 410 Gone."""
        with self.lock:
            self.compacted = self.rv
            self.events = []

    def drop_watches(self):
        with self.lock:
            self.generation += 1
            self.lock.notify_all()

    def watch_count(self):
        return sum(1 for r in self.requests if "watch=true" in r)


def _resource_of(obj):
    group, _, version = obj["apiVersion"].rpartition("/")  # the core group ("v1") is ""
    kind = obj["kind"].lower()
    plural = kind[:-1] + "ies" if kind.endswith("y") and kind[-2] not in "aeiou" else kind + "s"
    return group, version, plural


def _api_version(resource):
    return f"{resource[0]}/{resource[1]}" if resource[0] else resource[1]


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    fake: FakeKubeAPI = None

    def log_message(self, *args):
        pass

    def _send_json(self, code, body):
        data = json.dumps(body).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _status(self, code, reason, message):
        self._send_json(code, {"kind": "Status", "apiVersion": "v1", "status": "Failure", "message": message,
                               "reason": reason, "code": code})

    def _route(self):
        fake = self.fake
        fake.requests.append(f"{self.command} {self.path}")
        if self.headers.get("Authorization") != f"Bearer {fake.token}":
            self._status(401, "Unauthorized", "missing or wrong bearer token")
            return None
        url = urllib.parse.urlparse(self.path)
        query = dict(urllib.parse.parse_qsl(url.query))
        parts = url.path.strip("/").split("/")
        # apis/GROUP/VERSION[/namespaces/NS]/PLURAL[/NAME[/status]], or api/VERSION/... (core group)
        if len(parts) >= 3 and parts[0] == "api":
            parts = ["apis", ""] + parts[1:]
        if len(parts) < 4 or parts[0] != "apis":
            self._status(404, "NotFound", f"no such path {url.path}")
            return None
        group, version, rest = parts[1], parts[2], parts[3:]
        namespace = None
        if rest[0] == "namespaces" and len(rest) >= 3:
            namespace, rest = rest[1], rest[2:]
        return (group, version, rest[0]), namespace, rest[1:], query

    def do_GET(self):
        routed = self._route()
        if not routed:
            return
        resource, namespace, rest, query = routed
        if len(rest) == 1:
            with self.fake.lock:
                obj = copy.deepcopy(self.fake.objects.get(resource, {}).get((namespace or "", rest[0])))
            if obj is None:
                self._status(404, "NotFound", f"{rest[0]} not found")
            else:
                self._send_json(200, obj)
        elif rest:
            self._status(405, "MethodNotAllowed", "only objects and collections can be read")
        elif query.get("watch") == "true":
            self._watch(resource, namespace, query)
        else:
            with self.fake.lock:
                items = [copy.deepcopy(o) for (ns, _), o in sorted(self.fake.objects.get(resource, {}).items())
                         if namespace is None or ns == namespace]
                rv = self.fake.rv
            self._send_json(200, {"kind": "List", "apiVersion": _api_version(resource),
                                  "metadata": {"resourceVersion": str(rv)}, "items": items})

    def _chunk(self, obj):
        data = (json.dumps(obj) + "\n").encode()
        self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
        self.wfile.flush()

    def _watch(self, resource, namespace, query):
        fake = self.fake
        since = int(query.get("resourceVersion") or 0)
        bookmarks = query.get("allowWatchBookmarks") == "true"
        deadline = time.time() + float(query.get("timeoutSeconds", 300))
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        with fake.lock:
            generation = fake.generation
            if since < fake.compacted:
                expired = {"type": "ERROR", "object": {"kind": "Status", "apiVersion": "v1", "status": "Failure",
                                                        "message": f"too old resource version: {since} ({fake.compacted})",
                                                        "reason": "Expired", "code": 410}}
            else:
                expired = None
        try:
            if expired:
                self._chunk(expired)
                self.wfile.write(b"0\r\n\r\n")
                return
            last_bookmark = time.time()
            while True:
                with fake.lock:
                    pending = self._pending(resource, namespace, since)
                    if not pending and fake.generation == generation and time.time() < deadline:
                        fake.lock.wait(0.05)
                        # Read again after the wait: a bookmark at `current` must not skip an event
                        # emitted while waiting.
                        pending = self._pending(resource, namespace, since)
                    cut = fake.generation != generation
                    current = fake.rv
                if cut:
                    # A dropped connection: no terminating chunk, the socket just closes.
                    self.close_connection = True
                    self.connection.shutdown(2)
                    return
                for rv, kind, obj in pending:
                    self._chunk({"type": kind, "object": obj})
                    since = rv
                if time.time() >= deadline:
                    break
                if bookmarks and time.time() - last_bookmark >= fake.bookmark_interval:
                    self._chunk({"type": "BOOKMARK", "object": {"kind": resource[2], "apiVersion": _api_version(resource),
                                                                 "metadata": {"resourceVersion": str(max(since, current))}}})
                    since = max(since, current)
                    last_bookmark = time.time()
            self.wfile.write(b"0\r\n\r\n")
        except (BrokenPipeError, ConnectionResetError, OSError):
            self.close_connection = True

    def _pending(self, resource, namespace, since):
        """The events of `resource` (in `namespace`, if given) after `since`; called with the lock held."""
        return [(rv, kind, obj) for rv, res, kind, obj in self.fake.events
                if res == resource and rv > since
                and (namespace is None or obj["metadata"].get("namespace") == namespace)]

    def _body(self):
        length = int(self.headers.get("Content-Length", 0))
        return json.loads(self.rfile.read(length) or b"{}")

    def _write_request(self):
        """The routed target and JSON body of a create or update, or None when already answered."""
        routed = self._route()
        if not routed:
            return None
        resource, namespace, rest, _ = routed
        return resource, namespace, rest, self._body()

    def do_POST(self):
        """Create: 409 AlreadyExists when the name is taken."""
        request = self._write_request()
        if not request:
            return
        resource, namespace, rest, obj = request
        with self.fake.lock:
            store = self.fake.objects.setdefault(resource, {})
            key = (namespace or "", obj["metadata"]["name"])
            if rest or key in store:
                self._status(409, "AlreadyExists", f"{key[1]} already exists")
                return
            obj["metadata"]["generation"] = 1
            result = self._commit(store, key, obj, namespace, resource, "POST", "ADDED")
        self._send_json(201, result)

    def do_PUT(self):
        """Update: metadata.resourceVersion must be the stored one (409 Conflict otherwise)."""
        request = self._write_request()
        if not request:
            return
        resource, namespace, rest, obj = request
        with self.fake.lock:
            store = self.fake.objects.setdefault(resource, {})
            key = (namespace or "", rest[0] if rest else "")
            current = store.get(key)
            if current is None:
                self._status(404, "NotFound", f"{key[1]} not found")
                return
            if obj["metadata"].get("resourceVersion") != current["metadata"]["resourceVersion"]:
                self._status(409, "Conflict", "the object has been modified; please apply your changes to the latest version")
                return
            result = self._commit(store, key, obj, namespace, resource, "PUT", "MODIFIED")
        self._send_json(200, result)

    def _commit(self, store, key, obj, namespace, resource, method, event):
        """Stores `obj` (the fake's lock held), records the write, emits the watch event; returns a copy."""
        obj["metadata"]["namespace"] = namespace or ""
        store[key] = obj
        self.fake.writes.append({"method": method, "resource": resource, "object": copy.deepcopy(obj)})
        self.fake._emit(resource, event, obj)
        return copy.deepcopy(obj)

    def do_PATCH(self):
        routed = self._route()
        if not routed:
            return
        resource, namespace, rest, query = routed
        length = int(self.headers.get("Content-Length", 0))
        body = json.loads(self.rfile.read(length) or b"{}")
        if len(rest) != 2 or rest[1] != "status":
            self._status(405, "MethodNotAllowed", "only the status subresource can be patched")
            return
        if self.headers.get("Content-Type") != "application/merge-patch+json":
            self._status(415, "UnsupportedMediaType", self.headers.get("Content-Type", ""))
            return
        fake = self.fake
        with fake.lock:
            obj = fake.objects.get(resource, {}).get((namespace or "", rest[0]))
            if obj is None:
                self._status(404, "NotFound", f"{rest[0]} not found")
                return
            obj["status"] = _merge(obj.get("status", {}), body.get("status", {}))
            fake.status_patches.append({"resource": resource, "namespace": namespace or "", "name": rest[0],
                                        "patch": body})
            fake._emit(resource, "MODIFIED", obj)
            result = copy.deepcopy(obj)
        self._send_json(200, result)


def _merge(target, patch):
    if not isinstance(patch, dict) or not isinstance(target, dict):
        return copy.deepcopy(patch)
    merged = copy.deepcopy(target)
    for key, value in patch.items():
        if value is None:
            merged.pop(key, None)
        else:
            merged[key] = _merge(merged.get(key), value)
    return merged
