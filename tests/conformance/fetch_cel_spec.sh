#!/bin/sh
# Fetches the CEL conformance suite (npm @bufbuild/cel-spec, Apache-2.0) and
# dumps it to <dir>/conformance.json for tests/conformance/cel_conformance_test.cpp.
# Run at test-setup time (needs network once); does nothing when the JSON exists.
#   tests/conformance/fetch_cel_spec.sh build/cel-spec
set -eu
dir="${1:?usage: fetch_cel_spec.sh <output dir>}"
mkdir -p "$dir"
dir="$(cd "$dir" && pwd)"  # node's createRequire needs an absolute path
out="$dir/conformance.json"
if [ -s "$out" ]; then
  echo "cel-spec: $out already present"
  exit 0
fi
here="$(cd "$(dirname "$0")" && pwd)"
mkdir -p "$dir/npm"
npm install --silent --no-audit --no-fund --prefix "$dir/npm" @bufbuild/cel-spec@0.6.1 @bufbuild/protobuf@2.17.0
NODE_PATH="$dir/npm/node_modules" node "$here/dump_cel_spec.mjs" "$dir/npm/node_modules" "$out.tmp"
mv "$out.tmp" "$out"
echo "cel-spec: wrote $out"
