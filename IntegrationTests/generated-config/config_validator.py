"""Independent validation of generated Envoy configuration, with Envoy's own protos.

A `/config_dump` JSON document (as `aeraki generate` prints it and as the golden files hold it) is
parsed with the real `envoy.admin.v3.ConfigDump` (xds-protos); every resource and every nested
`google.protobuf.Any` is unpacked to its real type and checked with protoc-gen-validate (Envoy's own
validation rules); every cluster a filter, route or mirror policy names must exist; every EDS cluster
must have a load assignment; every RDS name a connection manager asks for, and every route a Dubbo
`drds` / Thrift `trds` filter names, must be served.
Connection managers' HTTP filters must end with the router. Listeners with an `api_listener` (proxyless
gRPC clients) and the route configurations they name are also held to what gRPC's xDS client accepts
(gRFC A27/A28/A31/A33/A39): only the fault and router filters, route actions only, per-route configs
only for the fault filter, and every locality of their clusters' assignments weighted.

Project-owned protos not in xds-protos are compiled with protoc from `proto/` (against the upstream
descriptors xds-protos provides) into the same descriptor pool: Envoy's contrib filters (Kafka broker,
MySQL proxy), whose required `stat_prefix` is checked by hand, and the MetaProtocol messages of
`proto/aeraki/meta_protocol_proxy/` (field numbers as meta-protocol-proxy defines them). Every route
configuration a meta_protocol_proxy asks for over RDS must be served, on ADS, in the shape the proxy
accepts (one virtual host, at least one route).
"""

import importlib
import json
import os
import re
import subprocess
import tempfile

from google.protobuf import any_pb2, descriptor, descriptor_pb2, descriptor_pool, json_format, message_factory, symbol_database
from protoc_gen_validate.validator import ValidationFailed, validate

# Importing the modules registers their types, so JSON Any fields can be parsed and unpacked.
_MODULES = [
    "envoy.admin.v3.config_dump_pb2",
    "envoy.admin.v3.config_dump_shared_pb2",
    "envoy.config.listener.v3.listener_pb2",
    "envoy.config.cluster.v3.cluster_pb2",
    "envoy.config.endpoint.v3.endpoint_pb2",
    "envoy.config.route.v3.route_pb2",
    "envoy.extensions.filters.network.tcp_proxy.v3.tcp_proxy_pb2",
    "envoy.extensions.filters.network.dubbo_proxy.v3.dubbo_proxy_pb2",
    "envoy.extensions.filters.network.dubbo_proxy.router.v3.router_pb2",
    "envoy.extensions.filters.network.thrift_proxy.v3.thrift_proxy_pb2",
    "envoy.extensions.filters.network.thrift_proxy.router.v3.router_pb2",
    "envoy.extensions.filters.listener.original_dst.v3.original_dst_pb2",
    "envoy.extensions.transport_sockets.tls.v3.tls_pb2",
    "envoy.extensions.transport_sockets.raw_buffer.v3.raw_buffer_pb2",
    "envoy.extensions.filters.listener.tls_inspector.v3.tls_inspector_pb2",
    "envoy.extensions.filters.network.rbac.v3.rbac_pb2",
    "envoy.extensions.filters.http.rbac.v3.rbac_pb2",
    "envoy.extensions.filters.network.http_connection_manager.v3.http_connection_manager_pb2",
    "envoy.extensions.access_loggers.file.v3.file_pb2",
    "envoy.extensions.filters.http.router.v3.router_pb2",
    "envoy.extensions.filters.http.fault.v3.fault_pb2",
    "envoy.extensions.filters.http.cors.v3.cors_pb2",
    "envoy.extensions.filters.http.grpc_stats.v3.config_pb2",
    "envoy.extensions.filters.http.grpc_web.v3.grpc_web_pb2",
    "envoy.extensions.filters.listener.http_inspector.v3.http_inspector_pb2",
    "envoy.extensions.request_id.uuid.v3.uuid_pb2",
    "envoy.extensions.retry.host.previous_hosts.v3.previous_hosts_pb2",
    "envoy.extensions.retry.priority.previous_priorities.v3.previous_priorities_config_pb2",
    "envoy.extensions.filters.network.generic_proxy.v3.generic_proxy_pb2",
    "envoy.extensions.filters.network.generic_proxy.action.v3.action_pb2",
    "envoy.extensions.filters.network.generic_proxy.matcher.v3.matcher_pb2",
    "envoy.extensions.filters.network.generic_proxy.codecs.dubbo.v3.dubbo_pb2",
    "envoy.extensions.filters.network.generic_proxy.router.v3.router_pb2",
    "envoy.extensions.filters.network.redis_proxy.v3.redis_proxy_pb2",
    "envoy.extensions.clusters.redis.v3.redis_cluster_pb2",
    "envoy.extensions.filters.network.zookeeper_proxy.v3.zookeeper_proxy_pb2",
    "envoy.extensions.filters.network.mongo_proxy.v3.mongo_proxy_pb2",
    "envoy.extensions.filters.network.thrift_proxy.filters.ratelimit.v3.rate_limit_pb2",
    "envoy.extensions.filters.network.local_ratelimit.v3.local_rate_limit_pb2",
    "envoy.extensions.upstreams.http.v3.http_protocol_options_pb2",
]
for _name in _MODULES:
    importlib.import_module(_name)

_ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
PROTO_DIR = os.path.join(_ROOT, "proto")
# Contrib messages and their fields PGV would require to be non-empty upstream.
CONTRIB_REQUIRED = {
    "envoy.extensions.filters.network.kafka_broker.v3.KafkaBroker": ["stat_prefix"],
    "envoy.extensions.filters.network.mysql_proxy.v3.MySQLProxy": ["stat_prefix"],
}


def _load_project_protos(subdir):
    """Compiles `proto/<subdir>/**.proto` with protoc against the upstream descriptors already in the
    default pool (xds-protos) and adds them to that pool."""
    pool = descriptor_pool.Default()
    ours = sorted(os.path.relpath(os.path.join(d, f), PROTO_DIR)
                  for d, _, files in os.walk(os.path.join(PROTO_DIR, subdir)) for f in files if f.endswith(".proto"))
    upstream, seen = [], set()

    def visit(fd):
        if fd.name in seen:
            return
        seen.add(fd.name)
        for dep in fd.dependencies:
            visit(dep)
        upstream.append(fd)

    for name in ours:
        with open(os.path.join(PROTO_DIR, name)) as f:
            for dep in re.findall(r'^import "([^"]+)";', f.read(), re.M):
                if os.path.exists(os.path.join(PROTO_DIR, dep)):
                    continue
                importlib.import_module(dep[:-len(".proto")].replace("/", ".") + "_pb2")
                visit(pool.FindFileByName(dep))
    fds = descriptor_pb2.FileDescriptorSet()
    for fd in upstream:
        fd.CopyToProto(fds.file.add())
    with tempfile.TemporaryDirectory() as tmp:
        upstream_set, out = os.path.join(tmp, "upstream.pb"), os.path.join(tmp, "ours.pb")
        with open(upstream_set, "wb") as f:
            f.write(fds.SerializeToString())
        subprocess.run(["protoc", f"--descriptor_set_in={upstream_set}", f"--proto_path={PROTO_DIR}",
                        f"--descriptor_set_out={out}"] + ours, check=True)
        compiled = descriptor_pb2.FileDescriptorSet()
        with open(out, "rb") as f:
            compiled.ParseFromString(f.read())
    for fdp in compiled.file:
        try:
            pool.FindFileByName(fdp.name)
        except KeyError:
            pool.Add(fdp)


_load_project_protos("contrib")
_load_project_protos("aeraki/meta_protocol_proxy")

from envoy.admin.v3 import config_dump_pb2, config_dump_shared_pb2  # noqa: E402
from envoy.config.cluster.v3 import cluster_pb2  # noqa: E402

T = "type.googleapis.com/"
_db = symbol_database.Default()

# Clusters Istio's bootstrap defines statically (not in the snapshot).
BOOTSTRAP_CLUSTERS = {"sds-grpc", "xds-grpc", "prometheus_stats", "agent"}


class Problem(AssertionError):
    pass


def _message_class(type_url):
    name = type_url[len(T):] if type_url.startswith(T) else type_url.split("/")[-1]
    try:
        return _db.GetSymbol(name)
    except KeyError:
        pass
    try:
        return message_factory.GetMessageClass(descriptor_pool.Default().FindMessageTypeByName(name))
    except KeyError:
        raise Problem(f"Any type {type_url} is not a known Envoy or MetaProtocol type")


def unpack(any_msg, where):
    """The message inside `any_msg`, parsed with its real type and validated with PGV."""
    cls = _message_class(any_msg.type_url)
    msg = cls()
    msg.ParseFromString(any_msg.value)
    check(msg, where)
    return msg


def check(msg, where):
    """PGV-validates `msg` and every Any nested in it (recursively); returns the unpacked Anys."""
    try:
        validate(msg)
    except ValidationFailed as e:
        raise Problem(f"{where}: PGV rejects {msg.DESCRIPTOR.full_name}: {e}")
    for field in CONTRIB_REQUIRED.get(msg.DESCRIPTOR.full_name, []):
        if not getattr(msg, field):
            raise Problem(f"{where}: {msg.DESCRIPTOR.full_name}.{field} is required")
    for inner in walk_anys(msg):
        unpack(inner, f"{where} > {inner.type_url[len(T):]}")


def walk_anys(msg):
    """Every google.protobuf.Any directly or indirectly inside `msg` (not inside other Anys)."""
    for field, value in msg.ListFields():
        if field.type != descriptor.FieldDescriptor.TYPE_MESSAGE:
            continue
        if field.message_type.GetOptions().map_entry:
            items = value.values()
            value_field = field.message_type.fields_by_name["value"]
            if value_field.type != descriptor.FieldDescriptor.TYPE_MESSAGE:
                continue
        elif field.label == descriptor.FieldDescriptor.LABEL_REPEATED:
            items = value
        else:
            items = [value]
        for item in items:
            if item.DESCRIPTOR.full_name == "google.protobuf.Any":
                yield item
            else:
                yield from walk_anys(item)


def all_messages(msg):
    """`msg` and every message nested in it, unpacking Anys."""
    yield msg
    for field, value in msg.ListFields():
        if field.type != descriptor.FieldDescriptor.TYPE_MESSAGE:
            continue
        if field.message_type.GetOptions().map_entry:
            value_field = field.message_type.fields_by_name["value"]
            if value_field.type != descriptor.FieldDescriptor.TYPE_MESSAGE:
                continue
            items = list(value.values())
        elif field.label == descriptor.FieldDescriptor.LABEL_REPEATED:
            items = list(value)
        else:
            items = [value]
        for item in items:
            if item.DESCRIPTOR.full_name == "google.protobuf.Any":
                cls = _message_class(item.type_url)
                inner = cls()
                inner.ParseFromString(item.value)
                yield from all_messages(inner)
            else:
                yield from all_messages(item)


def referenced_clusters(msg):
    """(cluster name, where) for every cluster named by a filter, route or mirror policy in `msg`."""
    for m in all_messages(msg):
        name = m.DESCRIPTOR.full_name
        if name.endswith("tcp_proxy.v3.TcpProxy"):
            if m.cluster:
                yield m.cluster, name
            for c in m.weighted_clusters.clusters:
                yield c.name, name
        elif name.endswith(("dubbo_proxy.v3.RouteAction", "thrift_proxy.v3.RouteAction")):
            if m.cluster:
                yield m.cluster, name
            for c in m.weighted_clusters.clusters:
                yield c.name, name
            if name.startswith("envoy.extensions.filters.network.thrift_proxy"):
                for p in m.request_mirror_policies:
                    yield p.cluster, name + ".request_mirror_policies"
        elif name in ("envoy.config.route.v3.RouteAction", "aeraki.meta_protocol_proxy.config.route.v1alpha.RouteAction",
                      "envoy.extensions.filters.network.generic_proxy.action.v3.RouteAction"):
            if m.cluster:
                yield m.cluster, name
            for c in m.weighted_clusters.clusters:
                yield c.name, name
            for p in getattr(m, "request_mirror_policies", []):
                yield p.cluster, name + ".request_mirror_policies"
        elif name == "envoy.config.core.v3.GrpcService.EnvoyGrpc":
            yield m.cluster_name, name
        elif name == "envoy.extensions.filters.network.redis_proxy.v3.RedisProxy.PrefixRoutes.Route":
            if m.cluster:
                yield m.cluster, name
            for p in m.request_mirror_policy:
                yield p.cluster, name + ".request_mirror_policy"


# Filters that can discover their routes → the route type they fetch.
DISCOVERED_ROUTES = {
    "envoy.extensions.filters.network.dubbo_proxy.v3.DubboProxy": "envoy.extensions.filters.network.dubbo_proxy.v3.MultipleRouteConfiguration",
    "envoy.extensions.filters.network.thrift_proxy.v3.ThriftProxy": "envoy.extensions.filters.network.thrift_proxy.v3.RouteConfiguration",
}


def parse_dump(text):
    dump = config_dump_pb2.ConfigDump()
    json_format.Parse(text, dump)  # unknown fields are errors
    return dump


def validate_dump(text):
    """Validates a /config_dump JSON text; returns a summary dict, raises Problem on the first violation."""
    dump = parse_dump(text)
    listeners, clusters, endpoints, routes = [], [], [], []
    served_routes = set()
    for config in dump.configs:
        if config.type_url == T + "envoy.admin.v3.ListenersConfigDump":
            d = config_dump_shared_pb2.ListenersConfigDump()
            config.Unpack(d)
            for dl in d.dynamic_listeners:
                listener = unpack(dl.active_state.listener, f"listener {dl.name}")
                if listener.name != dl.name:
                    raise Problem(f"listener dump name {dl.name} != {listener.name}")
                listeners.append(listener)
        elif config.type_url == T + "envoy.admin.v3.ClustersConfigDump":
            d = config_dump_shared_pb2.ClustersConfigDump()
            config.Unpack(d)
            clusters += [unpack(dc.cluster, "cluster") for dc in d.dynamic_active_clusters]
        elif config.type_url == T + "envoy.admin.v3.EndpointsConfigDump":
            d = config_dump_shared_pb2.EndpointsConfigDump()
            config.Unpack(d)
            endpoints += [unpack(de.endpoint_config, "endpoints") for de in d.dynamic_endpoint_configs]
        elif config.type_url == T + "envoy.admin.v3.RoutesConfigDump":
            d = config_dump_shared_pb2.RoutesConfigDump()
            config.Unpack(d)
            for dr in d.dynamic_route_configs:
                route = unpack(dr.route_config, "routes")
                if (dr.route_config.type_url, route.name) in served_routes:
                    raise Problem(f"duplicate route {route.name} of {dr.route_config.type_url}")
                served_routes.add((dr.route_config.type_url, route.name))
                routes.append(route)
        else:
            raise Problem(f"unexpected dump type {config.type_url}")

    names = [c.name for c in clusters]
    if len(names) != len(set(names)):
        raise Problem("duplicate cluster names")
    if len({l.name for l in listeners}) != len(listeners):
        raise Problem("duplicate listener names")
    known = set(names) | BOOTSTRAP_CLUSTERS
    for resource in listeners + routes + clusters:
        for cluster, where in referenced_clusters(resource):
            if cluster not in known:
                raise Problem(f"{where} in {getattr(resource, 'name', '?')} names missing cluster {cluster!r}")
    for l in listeners:
        for m in all_messages(l):
            name = m.DESCRIPTOR.full_name
            if name in DISCOVERED_ROUTES:
                source = m.drds if name.startswith("envoy.extensions.filters.network.dubbo_proxy") else m.trds
                if (m.HasField("drds") if name.startswith("envoy.extensions.filters.network.dubbo_proxy") else m.HasField("trds")):
                    if not source.config_source.HasField("ads"):
                        raise Problem(f"listener {l.name}: {name} route discovery must use ADS")
                    if (T + DISCOVERED_ROUTES[name], source.route_config_name) not in served_routes:
                        raise Problem(f"listener {l.name}: {name} names route {source.route_config_name!r}, which is not served")
    for c in clusters:
        if c.HasField("cluster_type") and c.cluster_type.name == "envoy.clusters.redis":
            if c.lb_policy != cluster_pb2.Cluster.CLUSTER_PROVIDED:
                raise Problem(f"redis cluster {c.name} must use CLUSTER_PROVIDED load balancing")
            if not any(g.lb_endpoints for g in c.load_assignment.endpoints):
                raise Problem(f"redis cluster {c.name} has no seed endpoints")
    assignments = {e.cluster_name for e in endpoints}
    for c in clusters:
        if c.type == cluster_pb2.Cluster.EDS:
            service = c.eds_cluster_config.service_name or c.name
            if service not in assignments:
                raise Problem(f"EDS cluster {c.name} has no ClusterLoadAssignment {service}")
    for e in endpoints:
        if e.cluster_name not in set(names):
            raise Problem(f"assignment {e.cluster_name} for no cluster")
    check_meta_protocol_rds(listeners, {r.name: r for r in routes})
    for l in listeners:
        matches = [json_format.MessageToJson(ch.filter_chain_match, sort_keys=True) for ch in l.filter_chains]
        if len(matches) != len(set(matches)):
            raise Problem(f"listener {l.name} has filter chains with identical matches")
        check_transport_protocols(l)
    for c in clusters:
        check_transport_socket_matches(c)
    served = {r.name: r for r in routes if r.DESCRIPTOR.full_name == "envoy.config.route.v3.RouteConfiguration"}
    for l in listeners:
        for hcm in connection_managers(l):
            filters = [f.name for f in hcm.http_filters]
            if not filters or filters[-1] != "envoy.filters.http.router":
                raise Problem(f"listener {l.name}: HTTP filters {filters} do not end with the router")
            if len(filters) != len(set(filters)):
                raise Problem(f"listener {l.name}: duplicate HTTP filters {filters}")
            if hcm.HasField("rds") and hcm.rds.route_config_name not in served:
                raise Problem(f"listener {l.name} asks for RDS {hcm.rds.route_config_name!r}, which is not served")
    by_cluster = {e.cluster_name: e for e in endpoints}
    for l in listeners:
        if l.HasField("api_listener"):
            check_proxyless_client(l, served, by_cluster)
    return {"listeners": len(listeners), "clusters": len(clusters), "endpoints": len(endpoints), "routes": len(routes)}


HCM = "envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager"
PROXYLESS_FILTERS = {"envoy.filters.http.fault", "envoy.filters.http.router", "envoy.filters.http.rbac"}


def connection_managers(listener):
    """Every HttpConnectionManager of `listener` (filter chains, default chain, API listener)."""
    for m in all_messages(listener):
        if m.DESCRIPTOR.full_name == HCM:
            yield m


def check_proxyless_client(listener, served, assignments):
    """What gRPC's xDS client would NACK or fail on, for one API listener and what it names."""
    (hcm,) = list(connection_managers(listener))
    names = [f.name for f in hcm.http_filters]
    if set(names) - PROXYLESS_FILTERS:
        raise Problem(f"proxyless listener {listener.name}: gRPC rejects HTTP filters {sorted(set(names) - PROXYLESS_FILTERS)}")
    if not hcm.rds.config_source.HasField("ads"):
        raise Problem(f"proxyless listener {listener.name}: RDS must come over ADS")
    config = served[hcm.rds.route_config_name]
    for vhost in config.virtual_hosts:
        for route in vhost.routes:
            where = f"proxyless route config {config.name} vhost {vhost.name}"
            if route.WhichOneof("action") != "route":
                raise Problem(f"{where}: gRPC fails RPCs on a {route.WhichOneof('action')} action")
            if set(route.typed_per_filter_config) - {"envoy.filters.http.fault"}:
                raise Problem(f"{where}: gRPC rejects per-route configs {sorted(route.typed_per_filter_config)}")
            if route.match.WhichOneof("path_specifier") not in ("prefix", "path", "safe_regex"):
                raise Problem(f"{where}: gRPC needs a prefix, path or safe_regex match")
            action = route.route
            clusters = [action.cluster] if action.cluster else [c.name for c in action.weighted_clusters.clusters]
            if action.weighted_clusters.clusters and sum(c.weight.value for c in action.weighted_clusters.clusters) == 0:
                raise Problem(f"{where}: weights sum to 0")
            for cluster in clusters:
                for group in assignments[cluster].endpoints:
                    if not group.HasField("load_balancing_weight"):
                        raise Problem(f"{where}: {cluster} has a locality without weight, which gRPC skips")


def check_transport_protocols(listener):
    """A chain matching `transport_protocol: tls` needs the TLS inspector (Envoy sees every connection
    as raw_buffer without it, so the chain would never match); a chain that terminates TLS must
    match `tls`."""
    names = [f.name for f in listener.listener_filters]
    for chain in listener.filter_chains:
        if chain.filter_chain_match.transport_protocol == "tls" and "envoy.filters.listener.tls_inspector" not in names:
            raise Problem(f"listener {listener.name} chain {chain.name} matches tls without envoy.filters.listener.tls_inspector")
        if chain.HasField("transport_socket") and chain.filter_chain_match.transport_protocol != "tls":
            raise Problem(f"listener {listener.name} chain {chain.name} terminates TLS but does not match transport_protocol tls")


def check_transport_socket_matches(cluster):
    """Auto mTLS: the last transport socket match must be the catch-all `{}` (plaintext fallback), so
    an endpoint without metadata never falls through to the cluster's default socket by accident."""
    if cluster.transport_socket_matches:
        last = cluster.transport_socket_matches[-1]
        if last.match.fields:
            raise Problem(f"cluster {cluster.name}: the last transport_socket_match {last.name} is not a catch-all")
def check_meta_protocol_rds(listeners, routes):
    """Every meta_protocol_proxy that takes its routes over RDS asks for them on ADS, and the route
    configuration is served in the shape meta-protocol-proxy converts (one virtual host, >= 1 route)."""
    for listener in listeners:
        for m in all_messages(listener):
            if m.DESCRIPTOR.full_name != "aeraki.meta_protocol_proxy.v1alpha.MetaProtocolProxy" or not m.HasField("rds"):
                continue
            name = m.rds.route_config_name
            if not m.rds.config_source.HasField("ads"):
                raise Problem(f"{listener.name}: MetaProtocol RDS {name} is not on ADS")
            route = routes.get(name)
            if route is None:
                raise Problem(f"{listener.name}: MetaProtocol RDS {name!r} is not served")
            if len(route.virtual_hosts) != 1 or not route.virtual_hosts[0].routes:
                raise Problem(f"MetaProtocol route configuration {name} needs exactly one virtual host with routes")
