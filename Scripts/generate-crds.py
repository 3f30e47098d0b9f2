#!/usr/bin/env python3
"""Generates deploy/crds/*.yaml: one CustomResourceDefinition per Aeraki kind.

The spec schema is derived from the kind's message in proto/ (compiled with protoc, walked with the
protobuf runtime), so the CRDs cannot drift from the types Aeraki decodes. Proto3 JSON maps onto
OpenAPI v3 as Kubernetes' structural schemas need it: lowerCamelCase names, enums as their names,
64-bit integers as int-or-string, Durations as strings, wrappers as their scalar. On top of that,
RULES adds the checks of Aeraki's admission webhook that a schema can express (required fields,
list sizes, ranges, patterns); the rest is still checked by Aeraki when the resource arrives.

Usage: .venv/bin/python Scripts/generate-crds.py   (Scripts/check-generated.sh checks the output)
"""

import copy
import os
import subprocess
import sys
import tempfile

import yaml
from google.protobuf import descriptor_pb2

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PROTO = os.path.join(ROOT, "proto")
OUT = os.path.join(ROOT, "deploy", "crds")

# kind, group, plural, short names, proto file, scope, printer columns (name, JSON path, type)
KINDS = [
    ("MetaRouter", "metaprotocol.aeraki.io", "metarouters", ["mr"],
     "aeraki/metaprotocol/v1alpha1/metarouter.proto", "Namespaced",
     [("Hosts", ".spec.hosts", "string")]),
    ("ApplicationProtocol", "metaprotocol.aeraki.io", "applicationprotocols", ["ap"],
     "aeraki/metaprotocol/v1alpha1/application_protocol.proto", "Cluster",
     [("Protocol", ".spec.protocol", "string"), ("Codec", ".spec.codec", "string")]),
    ("RedisService", "redis.aeraki.io", "redisservices", ["rsvc"],
     "aeraki/redis/v1alpha1/redis_service.proto", "Namespaced",
     [("Hosts", ".spec.host", "string")]),
    ("RedisDestination", "redis.aeraki.io", "redisdestinations", ["rd"],
     "aeraki/redis/v1alpha1/redis_destination.proto", "Namespaced",
     [("Host", ".spec.host", "string")]),
    ("DubboAuthorizationPolicy", "dubbo.aeraki.io", "dubboauthorizationpolicies", ["dap"],
     "aeraki/dubbo/v1alpha1/dubbo_authorization_policy.proto", "Namespaced",
     [("Action", ".spec.action", "string")]),
]

HOST = r"^[a-zA-Z0-9]([-a-zA-Z0-9]*[a-zA-Z0-9])?(\.[a-zA-Z0-9]([-a-zA-Z0-9]*[a-zA-Z0-9])?)*$"
FQDN = HOST[:-2] + "+$"  # at least two labels
DNS1123_LABEL = r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$"
PORT = {"minimum": 1, "maximum": 65535}
AUTHZ_PATTERN = r"^(\*|\*[^*]+|[^*]+\*|[^*]+)$"

# The webhook's rules a schema can express: JSON path under spec (".a.b[]" for list items) → schema keys.
RULES = {
    "MetaRouter": {
        "": {"required": ["hosts"]},
        ".hosts": {"minItems": 1, "maxItems": 1},
        ".hosts[]": {"pattern": FQDN},
        ".routes[].route": {"minItems": 1},
        ".routes[].route[].weight": {"maximum": 100},
        ".routes[].route[].destination": {"required": ["host"]},
        ".routes[].route[].destination.subset": {"pattern": DNS1123_LABEL},
        ".routes[].route[].destination.port.number": PORT,
        ".localRateLimit.tokenBucket": {"required": ["maxTokens", "tokensPerFill", "fillInterval"]},
        ".localRateLimit.tokenBucket.maxTokens": {"minimum": 1},
        ".localRateLimit.tokenBucket.tokensPerFill": {"minimum": 1},
        ".localRateLimit.conditions[]": {"required": ["match", "tokenBucket"]},
        ".globalRateLimit": {"required": ["domain", "rateLimitService", "requestTimeout", "descriptors"]},
        ".globalRateLimit.descriptors": {"minItems": 1},
        ".globalRateLimit.descriptors[]": {"required": ["property", "descriptorKey"]},
    },
    "ApplicationProtocol": {
        "": {"required": ["protocol", "codec"]},
        ".protocol": {"pattern": r"^[a-z0-9]+$"},
        ".codec": {"minLength": 1},
    },
    "RedisService": {
        "": {"required": ["host"]},
        ".host": {"minItems": 1},
        ".host[]": {"pattern": HOST},
        ".redis[].route": {"required": ["host"]},
        ".redis[].route.port": {"maximum": 65535},
    },
    "RedisDestination": {
        "": {"required": ["host"]},
        ".host": {"pattern": HOST},
    },
    "DubboAuthorizationPolicy": {
        ".rules[].from[].source.principals[]": {"pattern": AUTHZ_PATTERN},
        ".rules[].from[].source.notPrincipals[]": {"pattern": AUTHZ_PATTERN},
        ".rules[].from[].source.namespaces[]": {"pattern": AUTHZ_PATTERN},
        ".rules[].from[].source.notNamespaces[]": {"pattern": AUTHZ_PATTERN},
        ".rules[].to[].operation.interfaces[]": {"pattern": AUTHZ_PATTERN},
        ".rules[].to[].operation.notInterfaces[]": {"pattern": AUTHZ_PATTERN},
        ".rules[].to[].operation.methods[]": {"pattern": AUTHZ_PATTERN},
        ".rules[].to[].operation.notMethods[]": {"pattern": AUTHZ_PATTERN},
    },
}

STATUS = {
    "type": "object",
    "description": "Set by Aeraki: whether the resource was accepted, and why not.",
    "properties": {
        "observedGeneration": {"type": "integer", "format": "int64"},
        "conditions": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["type", "status"],
                "properties": {
                    "type": {"type": "string"},
                    "status": {"type": "string", "enum": ["True", "False", "Unknown"]},
                    "reason": {"type": "string"},
                    "message": {"type": "string"},
                    "observedGeneration": {"type": "integer", "format": "int64"},
                    "lastTransitionTime": {"type": "string", "format": "date-time"},
                },
            },
        },
    },
}

SCALARS = {
    descriptor_pb2.FieldDescriptorProto.TYPE_STRING: {"type": "string"},
    descriptor_pb2.FieldDescriptorProto.TYPE_BYTES: {"type": "string", "format": "byte"},
    descriptor_pb2.FieldDescriptorProto.TYPE_BOOL: {"type": "boolean"},
    descriptor_pb2.FieldDescriptorProto.TYPE_DOUBLE: {"type": "number", "format": "double"},
    descriptor_pb2.FieldDescriptorProto.TYPE_FLOAT: {"type": "number", "format": "float"},
    descriptor_pb2.FieldDescriptorProto.TYPE_INT32: {"type": "integer", "format": "int32"},
    descriptor_pb2.FieldDescriptorProto.TYPE_SINT32: {"type": "integer", "format": "int32"},
    descriptor_pb2.FieldDescriptorProto.TYPE_SFIXED32: {"type": "integer", "format": "int32"},
    descriptor_pb2.FieldDescriptorProto.TYPE_UINT32: {"type": "integer", "minimum": 0, "maximum": 4294967295},
    descriptor_pb2.FieldDescriptorProto.TYPE_FIXED32: {"type": "integer", "minimum": 0, "maximum": 4294967295},
    # Proto3 JSON writes 64-bit integers as strings and reads either.
    descriptor_pb2.FieldDescriptorProto.TYPE_INT64: {"x-kubernetes-int-or-string": True},
    descriptor_pb2.FieldDescriptorProto.TYPE_SINT64: {"x-kubernetes-int-or-string": True},
    descriptor_pb2.FieldDescriptorProto.TYPE_SFIXED64: {"x-kubernetes-int-or-string": True},
    descriptor_pb2.FieldDescriptorProto.TYPE_UINT64: {"x-kubernetes-int-or-string": True},
    descriptor_pb2.FieldDescriptorProto.TYPE_FIXED64: {"x-kubernetes-int-or-string": True},
}

WELL_KNOWN = {
    ".google.protobuf.Duration": {"type": "string", "description": "A duration: 1.5s, or Go style (100ms, 1m30s)."},
    ".google.protobuf.Timestamp": {"type": "string", "format": "date-time"},
    ".google.protobuf.StringValue": {"type": "string", "nullable": True},
    ".google.protobuf.BoolValue": {"type": "boolean", "nullable": True},
    ".google.protobuf.UInt32Value": {"type": "integer", "minimum": 0, "maximum": 4294967295, "nullable": True},
    ".google.protobuf.Int32Value": {"type": "integer", "format": "int32", "nullable": True},
    ".google.protobuf.DoubleValue": {"type": "number", "nullable": True},
    ".google.protobuf.FloatValue": {"type": "number", "nullable": True},
    ".google.protobuf.UInt64Value": {"x-kubernetes-int-or-string": True, "nullable": True},
    ".google.protobuf.Int64Value": {"x-kubernetes-int-or-string": True, "nullable": True},
    ".google.protobuf.Struct": {"type": "object", "x-kubernetes-preserve-unknown-fields": True},
    ".google.protobuf.Value": {"x-kubernetes-preserve-unknown-fields": True},
    ".google.protobuf.Any": {"type": "object", "x-kubernetes-preserve-unknown-fields": True},
}


def compile_protos(files):
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "set.pb")
        subprocess.run(
            ["protoc", f"-I{PROTO}", "-I/usr/include", "--include_imports", "--include_source_info",
             f"--descriptor_set_out={out}", *files],
            check=True,
        )
        with open(out, "rb") as f:
            return descriptor_pb2.FileDescriptorSet.FromString(f.read())


class Schemas:
    def __init__(self, fds):
        self.messages, self.enums, self.comments = {}, {}, {}
        for file in fds.file:
            locations = {tuple(loc.path): loc.leading_comments for loc in file.source_code_info.location}
            for i, message in enumerate(file.message_type):
                self._add_message(f".{file.package}", message, locations, (4, i))
            for i, enum in enumerate(file.enum_type):
                self.enums[f".{file.package}.{enum.name}"] = enum

    def _add_message(self, scope, message, locations, path):
        name = f"{scope}.{message.name}"
        self.messages[name] = message
        for j, field in enumerate(message.field):
            comment = locations.get(path + (2, j), "").strip()
            if comment:
                self.comments[(name, field.name)] = " ".join(comment.split())
        for i, nested in enumerate(message.nested_type):
            self._add_message(name, nested, locations, path + (3, i))
        for enum in message.enum_type:
            self.enums[f"{name}.{enum.name}"] = enum

    def message(self, name, seen=()):
        if name in WELL_KNOWN:
            return copy.deepcopy(WELL_KNOWN[name])
        if name in seen:  # recursion: accept anything below
            return {"type": "object", "x-kubernetes-preserve-unknown-fields": True}
        message = self.messages[name]
        properties = {}
        for field in message.field:
            schema = self.field(field, seen + (name,))
            comment = self.comments.get((name, field.name))
            if comment and "description" not in schema:
                schema["description"] = comment
            properties[field.json_name] = schema
        return {"type": "object", "properties": properties}

    def field(self, field, seen):
        if field.type == descriptor_pb2.FieldDescriptorProto.TYPE_MESSAGE:
            entry = self.messages.get(field.type_name)
            if entry is not None and entry.options.map_entry:
                value = self.field(entry.field[1], seen)
                return {"type": "object", "additionalProperties": value}
            single = self.message(field.type_name, seen)
        elif field.type == descriptor_pb2.FieldDescriptorProto.TYPE_ENUM:
            enum = self.enums[field.type_name]
            single = {"type": "string", "enum": [v.name for v in enum.value]}
        else:
            single = copy.deepcopy(SCALARS[field.type])
        if field.label == descriptor_pb2.FieldDescriptorProto.LABEL_REPEATED:
            return {"type": "array", "items": single}
        return single


def apply_rules(schema, rules):
    for path, extra in rules.items():
        node = schema
        for part in [p for p in path.replace("[]", ".[]").split(".") if p]:
            node = node["items"] if part == "[]" else node["properties"][part]
        for key, value in extra.items():
            if key == "required":
                missing = [r for r in value if r not in node["properties"]]
                assert not missing, f"{path}: no such fields {missing}"
            node[key] = value


def crd(kind, group, plural, short, proto_file, scope, columns, schemas):
    package = os.path.dirname(proto_file).replace("aeraki/", "").replace("/", ".")
    message = f".{group}.v1alpha1.{kind}"
    spec = schemas.message(message)
    spec["description"] = f"The {kind} spec (proto message {message[1:]})."
    apply_rules(spec, RULES.get(kind, {}))
    printer = [{"name": n, "type": t, "jsonPath": p} for n, p, t in columns]
    printer.append({"name": "Reconciled", "type": "string", "jsonPath": '.status.conditions[?(@.type=="Reconciled")].status'})
    printer.append({"name": "Age", "type": "date", "jsonPath": ".metadata.creationTimestamp"})
    return {
        "apiVersion": "apiextensions.k8s.io/v1",
        "kind": "CustomResourceDefinition",
        "metadata": {
            "name": f"{plural}.{group}",
            "labels": {"app.kubernetes.io/part-of": "aeraki"},
        },
        "spec": {
            "group": group,
            "names": {
                "kind": kind,
                "listKind": f"{kind}List",
                "plural": plural,
                "singular": kind.lower(),
                "shortNames": short,
                "categories": ["aeraki"],
            },
            "scope": scope,
            "versions": [{
                "name": "v1alpha1",
                "served": True,
                "storage": True,
                "subresources": {"status": {}},
                "additionalPrinterColumns": printer,
                "schema": {"openAPIV3Schema": {
                    "type": "object",
                    "description": f"Aeraki {kind} ({package}).",
                    "properties": {
                        "apiVersion": {"type": "string"},
                        "kind": {"type": "string"},
                        "metadata": {"type": "object"},
                        "spec": spec,
                        "status": copy.deepcopy(STATUS),
                    },
                    "required": ["spec"],
                }},
            }],
        },
    }


def main():
    files = sorted({k[4] for k in KINDS})
    schemas = Schemas(compile_protos(files))
    os.makedirs(OUT, exist_ok=True)
    names = []
    for entry in KINDS:
        document = crd(*entry, schemas)
        name = f"{entry[1].split('.')[0]}.{entry[2]}.yaml"
        names.append(name)
        with open(os.path.join(OUT, name), "w") as f:
            f.write("# Generated by Scripts/generate-crds.py from proto/; do not edit.\n")
            yaml.safe_dump(document, f, sort_keys=False, width=120)
    with open(os.path.join(OUT, "kustomization.yaml"), "w") as f:
        f.write("# Generated by Scripts/generate-crds.py; do not edit.\n")
        yaml.safe_dump({"apiVersion": "kustomize.config.k8s.io/v1beta1", "kind": "Kustomization",
                        "resources": names}, f, sort_keys=False)
    print(f"wrote {len(names)} CRDs to {os.path.relpath(OUT, ROOT)}", file=sys.stderr)


if __name__ == "__main__":
    main()
