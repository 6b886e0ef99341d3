#!/usr/bin/env bash
# Build a Debian 12 base image from Debian's own packages, for machines that cannot reach a
# container registry: mmdebstrap makes the root file system, `podman import` (or
# `docker import`) makes it an image. Then: podman build --build-arg BASE_IMAGE=<name> .
#
#   deploy/container/build-base-image.sh [--name localhost/harken-base:bookworm]
#       [--ca-dir /usr/local/share/ca-certificates] [--mirror http://deb.debian.org/debian]
#
# --ca-dir copies extra CA certificates (*.crt) in, for a network whose proxy inspects TLS.
set -euo pipefail

name=localhost/harken-base:bookworm
ca_dir=""
mirror=http://deb.debian.org/debian
security=http://deb.debian.org/debian-security
engine=${CONTAINER_ENGINE:-podman}
while [ $# -gt 0 ]; do
  case "$1" in
    --name) name=$2; shift 2 ;;
    --ca-dir) ca_dir=$2; shift 2 ;;
    --mirror) mirror=$2; shift 2 ;;
    --security-mirror) security=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done

command -v mmdebstrap >/dev/null || { echo "needs mmdebstrap (apt-get install mmdebstrap)" >&2; exit 1; }
tarball=$(mktemp --suffix=.tar)
trap 'rm -f "$tarball"' EXIT

hooks=()
if [ -n "$ca_dir" ]; then
  hooks+=(--customize-hook="mkdir -p \"\$1/usr/local/share/ca-certificates\"")
  for crt in "$ca_dir"/*.crt; do
    [ -e "$crt" ] && hooks+=(--customize-hook="copy-in $crt /usr/local/share/ca-certificates")
  done
  hooks+=(--customize-hook='chroot "$1" update-ca-certificates')
fi

mmdebstrap --variant=minbase --include=ca-certificates \
  --aptopt='Acquire::Retries "3"' \
  "${hooks[@]}" \
  --customize-hook='rm -rf "$1"/var/lib/apt/lists/* "$1"/var/cache/apt/*' \
  bookworm "$tarball" \
  "deb $mirror bookworm main" \
  "deb $mirror bookworm-updates main" \
  "deb $security bookworm-security main"

"$engine" import --change 'CMD ["/bin/bash"]' "$tarball" "$name"
echo "Base image: $name"
