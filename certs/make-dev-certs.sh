#!/usr/bin/env bash
# Makes a development CA and a serving certificate for the Tollgate webhook.
#
#   certs/make-dev-certs.sh [OUT_DIR [NAMESPACE]]
#
# OUT_DIR defaults to certs/out (ignored by git); NAMESPACE to tollgate-system.
# Writes ca.crt, ca.key, tls.crt, tls.key (ECDSA P-256). The serving
# certificate is valid for localhost, 127.0.0.1, ::1, tollgate.NAMESPACE.svc
# and tollgate.NAMESPACE.svc.cluster.local, so the same files serve a local
# run and an in-cluster Service. For development only: keys are never
# committed, and the CA key should be deleted once you no longer need it.
set -euo pipefail

usage() { sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; }
case "${1:-}" in -h|--help) usage; exit 0 ;; esac
if [ "$#" -gt 2 ]; then usage >&2; exit 2; fi

script_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out_dir="${1:-$script_dir/out}"
namespace="${2:-tollgate-system}"
service="tollgate"
days_ca=3650
days_serving=365

if ! [[ "$namespace" =~ ^[a-z0-9]([-a-z0-9]*[a-z0-9])?$ ]]; then
  echo "make-dev-certs.sh: \"$namespace\" is not a valid namespace name" >&2
  exit 2
fi
command -v openssl >/dev/null || { echo "make-dev-certs.sh: openssl not found" >&2; exit 1; }

mkdir -p "$out_dir"
out_dir="$(cd "$out_dir" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
umask 077

openssl ecparam -name prime256v1 -genkey -noout -out "$out_dir/ca.key"
openssl req -x509 -new -key "$out_dir/ca.key" -sha256 -days "$days_ca" \
  -subj "/O=Tollgate development/CN=Tollgate development CA" \
  -addext "basicConstraints=critical,CA:TRUE" \
  -addext "keyUsage=critical,keyCertSign,cRLSign" \
  -out "$out_dir/ca.crt" 2>/dev/null

openssl ecparam -name prime256v1 -genkey -noout -out "$out_dir/tls.key"
openssl req -new -key "$out_dir/tls.key" -subj "/CN=$service.$namespace.svc" -out "$work/tls.csr"
cat > "$work/serving.ext" <<EXT
basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=serverAuth
subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1,DNS:$service.$namespace.svc,DNS:$service.$namespace.svc.cluster.local
EXT
openssl x509 -req -in "$work/tls.csr" -CA "$out_dir/ca.crt" -CAkey "$out_dir/ca.key" -CAcreateserial \
  -CAserial "$work/ca.srl" -sha256 -days "$days_serving" -extfile "$work/serving.ext" \
  -out "$out_dir/tls.crt" 2>/dev/null
chmod 644 "$out_dir/ca.crt" "$out_dir/tls.crt"

echo "CA certificate:      $out_dir/ca.crt"
echo "CA key:              $out_dir/ca.key"
echo "serving certificate: $out_dir/tls.crt"
echo "serving key:         $out_dir/tls.key"
