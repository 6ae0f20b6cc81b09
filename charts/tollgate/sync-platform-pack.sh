#!/usr/bin/env bash
# Copies the platform pack (policies/library/{templates,constraints,mutators})
# into charts/tollgate/policies/, where Helm can read it (a chart can only read
# files inside itself, and a symlink would not survive `helm package`).
#
#   charts/tollgate/sync-platform-pack.sh          # update the copy
#   charts/tollgate/sync-platform-pack.sh --check  # exit 1 when the copy differs
#
# The e2e test "the chart's platform pack is the one in policies/library"
# fails when the two drift; run this script after editing policies/library.
set -euo pipefail

chart_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
library="$chart_dir/../../policies/library"
target="$chart_dir/policies"
folders=(templates constraints mutators)

case "${1:-}" in
  --check)
    status=0
    for folder in "${folders[@]}"; do
      diff -r "$library/$folder" "$target/$folder" || status=1
    done
    for entry in "$target"/*; do
      name="$(basename "$entry")"
      if [[ ! " ${folders[*]} " =~ " $name " ]]; then
        echo "unexpected $entry (not part of the platform pack)"
        status=1
      fi
    done
    [ "$status" -eq 0 ] && echo "charts/tollgate/policies is current"
    exit "$status"
    ;;
  "") ;;
  *) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
esac

rm -rf "$target"
mkdir -p "$target"
for folder in "${folders[@]}"; do
  cp -r "$library/$folder" "$target/$folder"
done
echo "copied $(find "$target" -type f | wc -l) files from policies/library into charts/tollgate/policies"
