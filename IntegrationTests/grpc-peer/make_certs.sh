#!/usr/bin/env bash
# Creates test PKI for the gRPC peer in DIR (default: ./certs):
#   ca.pem / ca.key          self-signed CA ("aeraki-test-ca")
#   server.pem / server.key  CN=localhost, SAN DNS:localhost, IP:127.0.0.1 (serverAuth)
#   client.pem / client.key  CN=test-client,
#                            SAN URI:spiffe://cluster.local/ns/default/sa/test-client (clientAuth)
# RSA 2048, SHA-256, valid 10 years; keys are unencrypted PKCS#8 PEM.
# Usage: make_certs.sh [DIR]
set -euo pipefail

dir="${1:-certs}"
mkdir -p "$dir"
cd "$dir"
days=3650
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

key() { openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$1" 2>/dev/null; }

# CA
key ca.key
openssl req -x509 -new -key ca.key -sha256 -days "$days" -subj "/CN=aeraki-test-ca" \
    -addext "basicConstraints=critical,CA:TRUE" \
    -addext "keyUsage=critical,keyCertSign,cRLSign" \
    -addext "subjectKeyIdentifier=hash" \
    -out ca.pem

# sign NAME CN EXTENSIONS: leaf key + cert signed by the CA
sign() {
    local name="$1" cn="$2" ext="$3"
    key "$name.key"
    openssl req -new -key "$name.key" -subj "/CN=$cn" -out "$tmp/$name.csr"
    printf '%s\n' "$ext" > "$tmp/$name.ext"
    openssl x509 -req -in "$tmp/$name.csr" -CA ca.pem -CAkey ca.key -CAcreateserial \
        -CAserial "$tmp/ca.srl" -sha256 -days "$days" -extfile "$tmp/$name.ext" \
        -out "$name.pem" 2>/dev/null
    openssl verify -CAfile ca.pem "$name.pem" >/dev/null
}

sign server localhost "basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth
subjectAltName=DNS:localhost,IP:127.0.0.1
authorityKeyIdentifier=keyid"

sign client test-client "basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=clientAuth
subjectAltName=URI:spiffe://cluster.local/ns/default/sa/test-client
authorityKeyIdentifier=keyid"

chmod 600 ./*.key
echo "certificates written to $(pwd)" >&2
