#!/usr/bin/env bash
# Test PKI for the fake istiod in DIR: ca.pem (the "Istio root"), istiod.pem/istiod.key with
# SAN DNS:istiod.istio-system.svc only, so clients must override the TLS server name as they
# do against a real istiod. RSA 2048, SHA-256. Usage: make_certs.sh DIR
set -euo pipefail
dir="${1:?usage: make_certs.sh DIR}"
mkdir -p "$dir"
cd "$dir"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out ca.key 2>/dev/null
openssl req -x509 -new -key ca.key -sha256 -days 3650 -subj "/CN=fake-istio-root" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" -out ca.pem
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out istiod.key 2>/dev/null
openssl req -new -key istiod.key -subj "/CN=istiod" -out "$tmp/istiod.csr"
printf '%s\n' "basicConstraints=critical,CA:FALSE" "keyUsage=critical,digitalSignature,keyEncipherment" \
    "extendedKeyUsage=serverAuth" "subjectAltName=DNS:istiod.istio-system.svc" > "$tmp/ext"
openssl x509 -req -in "$tmp/istiod.csr" -CA ca.pem -CAkey ca.key -CAcreateserial -CAserial "$tmp/ca.srl" \
    -sha256 -days 3650 -extfile "$tmp/ext" -out istiod.pem 2>/dev/null
chmod 600 ./*.key
