#!/usr/bin/env bash
# Regenerates the committed Swift protobuf code in Sources/EnvoyAPI and Sources/MeshAPI.
#
#   Sources/EnvoyAPI  <- the import closure of the roots in proto/upstream.txt (Envoy, xds,
#                        udpa, validate, google.rpc/api), read as compiled descriptors from the
#                        pinned xds-protos Python package (it ships no .proto text).
#   Sources/MeshAPI   <- every .proto under proto/ (Istio subset, Aeraki kinds, MetaProtocol
#                        proxy, Envoy contrib filters), importing EnvoyAPI for upstream types
#                        through proto/module-mappings.asciipb (written by this script).
#
# Well-known google/protobuf types come from the SwiftProtobuf runtime and are never generated.
# Idempotent: wipes *.pb.swift in both modules and regenerates; output is deterministic.
# Needs: python3 (for .venv), swift (to build protoc-gen-swift), protoc (apt-installed if missing).
# Set PROTOC_GEN_SWIFT=/path/to/protoc-gen-swift to use a prebuilt plugin (must be the pinned version).
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"

swift_opts="Visibility=Public,FileNaming=PathToUnderscores,UseAccessLevelOnImports=true"
envoy_out="Sources/EnvoyAPI"
mesh_out="Sources/MeshAPI"
mappings="proto/module-mappings.asciipb"

log() { echo "generate-protos: $*" >&2; }

# --- protoc -----------------------------------------------------------------------------------
if ! command -v protoc >/dev/null 2>&1; then
    log "protoc not found; installing protobuf-compiler with apt-get"
    sudo_cmd=()
    if [[ "$(id -u)" -ne 0 ]]; then sudo_cmd=(sudo); fi
    if ! "${sudo_cmd[@]}" apt-get install -y protobuf-compiler >/dev/null 2>&1; then
        "${sudo_cmd[@]}" apt-get update >/dev/null
        "${sudo_cmd[@]}" apt-get install -y protobuf-compiler >/dev/null
    fi
fi

# --- Python env with the pinned descriptor package --------------------------------------------
bash Scripts/python-env.sh
python="$repo_root/.venv/bin/python"

# --- protoc-gen-swift, built from the package's own swift-protobuf dependency -----------------
pinned_version="$(sed -n 's/.*swift-protobuf".*exact: *"\([0-9.]*\)".*/\1/p' Package.swift | head -n1)"
if [[ -z "$pinned_version" ]]; then
    log "cannot find the exact swift-protobuf version in Package.swift"
    exit 1
fi
plugin="${PROTOC_GEN_SWIFT:-$repo_root/.build-protoc/release/protoc-gen-swift}"
if [[ -z "${PROTOC_GEN_SWIFT:-}" && ! -x "$plugin" ]]; then
    log "building protoc-gen-swift $pinned_version (release, .build-protoc)"
    swift build -c release --product protoc-gen-swift --scratch-path .build-protoc >&2
fi
plugin_version="$("$plugin" --version | awk '{print $NF}')"
if [[ "$plugin_version" != "$pinned_version" ]]; then
    log "$plugin is version $plugin_version, Package.swift pins swift-protobuf $pinned_version"
    exit 1
fi

# --- Upstream descriptors ---------------------------------------------------------------------
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
"$python" Scripts/extract-descriptors.py \
    --upstream proto/upstream.txt \
    --proto-dir proto \
    --descriptor-set "$tmp/upstream.pb" \
    --file-list "$tmp/upstream-files.txt" \
    --module-mappings "$mappings"
mapfile -t upstream_files <"$tmp/upstream-files.txt"

# --- Project protos ---------------------------------------------------------------------------
mapfile -t project_files < <(cd proto && find . -name '*.proto' | sed 's|^\./||' | LC_ALL=C sort)

# --- Generate ---------------------------------------------------------------------------------
rm -f "$envoy_out"/*.pb.swift "$mesh_out"/*.pb.swift
mkdir -p "$envoy_out" "$mesh_out"

protoc \
    --descriptor_set_in="$tmp/upstream.pb" \
    --plugin=protoc-gen-swift="$plugin" \
    --swift_out="$envoy_out" \
    --swift_opt="$swift_opts" \
    "${upstream_files[@]}"

protoc \
    --descriptor_set_in="$tmp/upstream.pb" \
    --proto_path=proto \
    --plugin=protoc-gen-swift="$plugin" \
    --swift_out="$mesh_out" \
    --swift_opt="$swift_opts,ProtoPathModuleMappings=$mappings" \
    "${project_files[@]}"

log "$(ls "$envoy_out"/*.pb.swift | wc -l) files in $envoy_out, $(ls "$mesh_out"/*.pb.swift | wc -l) files in $mesh_out"
