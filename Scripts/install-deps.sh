#!/usr/bin/env bash
# Installs the Debian packages the build and tests need, when missing. Prints nothing when all is there.
set -euo pipefail
packages=(libgrpc-dev protobuf-compiler openssl)
# kubectl renders deploy/ offline (kubectl kustomize); Debian's kubernetes-client when none is on PATH.
command -v kubectl >/dev/null 2>&1 || packages+=(kubernetes-client)
missing=()
for package in "${packages[@]}"; do
    dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0
echo "install-deps.sh: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
sudo_cmd=()
[[ $(id -u) -ne 0 ]] && sudo_cmd=(sudo)
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null
