#!/usr/bin/env bash
# Lays out the Tollgate image's file system in a folder: the one recipe that
# image/build.sh (buildah) and image/Dockerfile (Docker) both copy into scratch.
#
#   image/stage-rootfs.sh TOLLGATE_BINARY SOURCE_DIR ROOTFS
#
#   /usr/local/bin/tollgate          a stripped copy of TOLLGATE_BINARY
#   /lib/..., /lib64/ld-linux-...    exactly the shared libraries ldd lists, and the loader
#   /etc/passwd, /etc/group          root, nobody, and nonroot (uid/gid 65532)
#   /etc/ssl/certs/ca-certificates.crt
#   /policies/platform/              the platform pack: templates, constraints, mutators
#   /certs/                          where the serving certificate is mounted
#   /tmp/                            mode 1777 (mount an emptyDir there on a read-only root)
set -euo pipefail

if [[ $# -ne 3 ]]; then sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; fi
binary="$1"
source_dir="$2"
rootfs="$3"
ca_bundle=/etc/ssl/certs/ca-certificates.crt

fail() { echo "stage-rootfs.sh: $*" >&2; exit 1; }
[[ -x "$binary" ]] || fail "$binary is not an executable"
[[ -d "$source_dir/policies/library" ]] || fail "$source_dir/policies/library not found"
[[ -f "$ca_bundle" ]] || fail "$ca_bundle not found (apt-get install ca-certificates)"

install -d -m 0755 "$rootfs/usr/local/bin" "$rootfs/etc/ssl/certs" "$rootfs/policies/platform" "$rootfs/certs"
install -d -m 1777 "$rootfs/tmp"
# A stripped copy; the build's own binary keeps its symbols.
strip --strip-all -o "$rootfs/usr/local/bin/tollgate" "$binary"
chmod 0755 "$rootfs/usr/local/bin/tollgate"

# Every library ldd resolves ("name => /path (addr)") and the loader ("/path (addr)"),
# each copied (symlinks followed) to the path the binary asks for.
libraries=()
while read -r line; do
  case "$line" in
    *"=> not found"*) fail "$binary: a library is missing: $line" ;;
    *"=> /"*) libraries+=("$(sed 's/.*=> \(\/[^ ]*\) .*/\1/' <<<"$line")") ;;
    /*) libraries+=("${line%% *}") ;;
  esac
done < <(ldd "$binary")
((${#libraries[@]})) || fail "ldd listed no libraries for $binary"
for lib in "${libraries[@]}"; do
  install -d -m 0755 "$rootfs$(dirname "$lib")"
  cp -L "$lib" "$rootfs$lib"
  chmod 0755 "$rootfs$lib"
done

cat >"$rootfs/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/sbin/nologin
nobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin
nonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin
EOF
cat >"$rootfs/etc/group" <<'EOF'
root:x:0:
nobody:x:65534:
nonroot:x:65532:
EOF
chmod 0644 "$rootfs/etc/passwd" "$rootfs/etc/group"
install -m 0644 "$ca_bundle" "$rootfs/etc/ssl/certs/ca-certificates.crt"

# The platform pack without its tests (suites and samples are not policies).
for part in templates constraints mutators; do
  cp -r "$source_dir/policies/library/$part" "$rootfs/policies/platform/$part"
done
find "$rootfs/policies" \( -type d -exec chmod 0755 {} + \) -o \( -type f -exec chmod 0644 {} + \)
