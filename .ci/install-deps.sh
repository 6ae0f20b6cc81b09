#!/usr/bin/env bash
# Installs everything Tollgate needs from Debian bookworm's packages (run as root).
#   install-deps.sh          build + run dependencies
#   install-deps.sh --test   also what the test suite needs (npm for the CEL
#                            conformance data, Prometheus for the scrape test)
set -euo pipefail

packages=(
  build-essential cmake pkg-config git ca-certificates openssl
  libboost-dev libboost-system-dev libssl-dev nlohmann-json3-dev libre2-dev
  libspdlog-dev prometheus-cpp-dev catch2 libyaml-cpp-dev libbenchmark-dev
  libsimdjson-dev libyaml-dev
)
if [[ "${1:-}" == "--test" ]]; then
  packages+=(prometheus wrk curl)
  # The sanitizer build and the libFuzzer targets (clang's runtime), the image
  # build (buildah) and Helm's unpacking for the chart tests (unzip).
  packages+=(clang libclang-rt-14-dev buildah unzip)
  # tollgate audit's report tests: headless Chromium screenshots the HTML, xmllint reads the JUnit.
  packages+=(chromium libxml2-utils)
  # The SARIF tests validate tollgate's SARIF against the SARIF 2.1.0 JSON schema.
  packages+=(python3-jsonschema)
  # bench/: wall times of whole processes (hyperfine) and instruction counts (valgrind).
  packages+=(hyperfine valgrind)
  # Node.js and npm fetch the CEL conformance suite (@bufbuild/cel-spec) at
  # test time; keep an existing Node.js install (e.g. NodeSource) if present.
  command -v node >/dev/null 2>&1 || packages+=(nodejs)
  command -v npm >/dev/null 2>&1 || packages+=(npm)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

if [[ "${1:-}" == "--test" ]]; then
  bash "$(dirname "$0")/install-helm.sh"
fi
