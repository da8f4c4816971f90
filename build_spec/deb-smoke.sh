#!/usr/bin/env bash
# Install the .deb on a clean Debian 12 (bookworm) root and self-check it there: what a 信创 desktop
# (UOS, Kylin: both Debian-based) does on `dpkg -i`. Not in CI (it downloads a Debian base and builds
# the PyInstaller folder: several minutes). Usage, as root: build_spec/deb-smoke.sh [--no-build]
# Needs debootstrap (apt-get install debootstrap). Prints the time each step took.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CHROOT="${CHROOT:-/var/tmp/gridworker-bookworm}"
MIRROR="${MIRROR:-http://deb.debian.org/debian}"
t0=$(date +%s)
if [ "${1:-}" != "--no-build" ]; then
    "$ROOT/build_spec/build.sh"
fi
t1=$(date +%s)
DEB="$("$ROOT/build_spec/deb.sh")"
echo "deb-smoke: $DEB ($(du -h "$DEB" | cut -f1)); build $((t1 - t0)) s"
if [ ! -x "$CHROOT/bin/bash" ]; then
    debootstrap --variant=minbase bookworm "$CHROOT" "$MIRROR" >/dev/null
fi
t2=$(date +%s)
echo "deb-smoke: clean Debian 12 root ready in $((t2 - t1)) s"
cp "$DEB" "$CHROOT/tmp/gridworker.deb"
mount --bind /proc "$CHROOT/proc" 2>/dev/null || true
trap 'umount "$CHROOT/proc" 2>/dev/null || true' EXIT
# dpkg -i leaves the dependencies unconfigured on a clean root; apt then installs them, as a user's would.
chroot "$CHROOT" /bin/bash -c "export DEBIAN_FRONTEND=noninteractive; apt-get update -qq && (dpkg -i /tmp/gridworker.deb || apt-get install -y -qq -f) >/dev/null && dpkg -s gridworker | grep -q 'Status: install ok installed'"
t3=$(date +%s)
echo "deb-smoke: installed with its dependencies in $((t3 - t2)) s"
chroot "$CHROOT" /bin/bash -c "cd /tmp && HOME=/tmp QT_QPA_PLATFORM=offscreen gridworker --self-check"
echo "deb-smoke: self-check passed; total $(( $(date +%s) - t0 )) s"
