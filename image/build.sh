#!/usr/bin/env bash
# Builds the Tollgate container image with buildah, FROM scratch.
#
#   image/build.sh [BUILD_DIR] [--docker-archive]
#
# BUILD_DIR (default: build) holds a Release build of the `tollgate` target.
# The image holds what image/stage-rootfs.sh lays out (the stripped binary,
# exactly the shared libraries it links, /etc/passwd and /etc/group with the
# nonroot user 65532, CA certificates, the platform pack under
# /policies/platform) in one layer. It is tagged localhost/tollgate:VERSION
# (CMake's project version) in a buildah store under BUILD_DIR/image-store,
# and written as BUILD_DIR/tollgate-image.tar (oci-archive); with
# --docker-archive also as BUILD_DIR/tollgate-image.docker.tar.
# Labels: TOLLGATE_IMAGE_SOURCE (default: git remote origin) and
# TOLLGATE_IMAGE_LICENSES (default: NOASSERTION) set the source and licence.
# Needs buildah (Debian package), run as root; no base image is pulled.
set -euo pipefail

usage() { sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; }

build_dir=""
docker_archive=0
for arg in "$@"; do
  case "$arg" in
    -h|--help) usage; exit 0 ;;
    --docker-archive) docker_archive=1 ;;
    -*) echo "build.sh: unknown option $arg" >&2; usage >&2; exit 2 ;;
    *)
      if [[ -n "$build_dir" ]]; then usage >&2; exit 2; fi
      build_dir="$arg"
      ;;
  esac
done

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source_dir="$(dirname "$here")"
build_dir="$(cd "${build_dir:-$source_dir/build}" && pwd)"
binary="$build_dir/tollgate"

fail() { echo "build.sh: $*" >&2; exit 1; }
command -v buildah >/dev/null || fail "buildah not found (apt-get install buildah)"
[[ -x "$binary" ]] || fail "$binary not found: build the tollgate target first (cmake --build $build_dir --target tollgate)"
build_type="$(sed -n 's/^CMAKE_BUILD_TYPE:[A-Z]*=//p' "$build_dir/CMakeCache.txt")"
[[ "$build_type" == "Release" ]] || fail "$build_dir is a '$build_type' build; the image wants Release"
version="$(sed -n 's/^CMAKE_PROJECT_VERSION:[A-Z]*=//p' "$build_dir/CMakeCache.txt")"
[[ -n "$version" ]] || fail "no CMAKE_PROJECT_VERSION in $build_dir/CMakeCache.txt"

# The repository carries no licence file and no canonical URL yet: both labels
# can be set from the environment; NOASSERTION is SPDX's "nothing stated".
source_url="${TOLLGATE_IMAGE_SOURCE:-$(git -C "$source_dir" remote get-url origin 2>/dev/null || echo NOASSERTION)}"
licenses="${TOLLGATE_IMAGE_LICENSES:-NOASSERTION}"
revision="$(git -C "$source_dir" rev-parse HEAD 2>/dev/null || echo unknown)"

image="localhost/tollgate:$version"
oci_archive="$build_dir/tollgate-image.tar"
docker_tar="$build_dir/tollgate-image.docker.tar"
# A store of its own: nothing here reads or changes the host's buildah/podman state.
store="$build_dir/image-store"
bh=(buildah --storage-driver vfs --root "$store/root" --runroot "$store/runroot")

rootfs="$(mktemp -d "$build_dir/image-rootfs.XXXXXX")"
container=""
cleanup() {
  if [[ -n "$container" ]]; then "${bh[@]}" rm "$container" >/dev/null 2>&1 || true; fi
  rm -rf "$rootfs"
}
trap cleanup EXIT

# ---- the file system, staged in a plain folder, then copied in one layer ----
bash "$here/stage-rootfs.sh" "$binary" "$source_dir" "$rootfs"

# ---- the image ----
container="$("${bh[@]}" from --quiet scratch)"
"${bh[@]}" copy --quiet --chown 0:0 "$container" "$rootfs/" / >/dev/null
"${bh[@]}" config \
  --entrypoint '["/usr/local/bin/tollgate"]' \
  --user 65532:65532 \
  --workingdir / \
  --port 8443/tcp --port 9090/tcp \
  --label org.opencontainers.image.title=tollgate \
  --label "org.opencontainers.image.description=Gatekeeper-compatible Kubernetes validating and mutating admission webhook" \
  --label "org.opencontainers.image.source=$source_url" \
  --label "org.opencontainers.image.revision=$revision" \
  --label "org.opencontainers.image.version=$version" \
  --label "org.opencontainers.image.licenses=$licenses" \
  "$container"
# Set after the entrypoint, which would otherwise reset it.
"${bh[@]}" config --cmd '["serve", "--addr", "0.0.0.0:8443", "--metrics-addr", "0.0.0.0:9090", "--tls-cert", "/certs/tls.crt", "--tls-key", "/certs/tls.key", "--policies", "/policies/platform"]' "$container"
"${bh[@]}" commit --quiet --format oci --rm "$container" "$image" >/dev/null
container=""
# The image this tag named before is now dangling: drop it, so the store holds one image.
"${bh[@]}" rmi --prune >/dev/null 2>&1 || true

rm -f "$oci_archive"
"${bh[@]}" push --quiet "$image" "oci-archive:$oci_archive:$image"
if ((docker_archive)); then
  rm -f "$docker_tar"
  "${bh[@]}" push --quiet --format docker "$image" "docker-archive:$docker_tar:$image"
fi

# Uncompressed size: the layers' tar streams, as a runtime unpacks them
# (index.json -> manifest -> layers; both files are one line of JSON).
digests() { grep -o '"digest": *"sha256:[0-9a-f]*"' | sed 's/.*sha256:\([0-9a-f]*\)"/\1/'; }
manifest="$(tar -xOf "$oci_archive" index.json | digests | head -n 1)"
uncompressed=0
for layer in $(tar -xOf "$oci_archive" "blobs/sha256/$manifest" | sed 's/.*"layers": *\[\([^]]*\)\].*/\1/' | digests); do
  size="$(tar -xOf "$oci_archive" "blobs/sha256/$layer" | gzip -dcf | wc -c)"
  uncompressed=$((uncompressed + size))
done
((uncompressed > 0)) || fail "no layer found in $oci_archive"
archive_size="$(stat -c %s "$oci_archive")"
mb() { awk -v b="$1" 'BEGIN { printf "%.1f MB", b / 1000000 }'; }
echo "image: $image"
echo "oci-archive: $oci_archive ($(mb "$archive_size") compressed)"
((docker_archive)) && echo "docker-archive: $docker_tar ($(mb "$(stat -c %s "$docker_tar")"))"
echo "uncompressed size: $uncompressed bytes ($(mb "$uncompressed"))"
