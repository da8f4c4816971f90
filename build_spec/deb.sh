#!/usr/bin/env bash
# Package the one-folder program (dist/gridworker, from build_spec/build.sh) as a .deb for Debian-based
# 信创 desktops (统信 UOS, 银河麒麟): /opt/gridworker, a /usr/bin/gridworker link, a desktop entry
# (网格员工作台) and icons. Usage: build_spec/deb.sh [DIST_DIR] [OUT_DIR]   (default dist/gridworker, dist)
# Prints the path of the .deb. The CJK font comes from the distribution (Depends: fonts-wqy-microhei),
# not bundled: UOS and Kylin ship it or an equivalent, and it stays updated with the system.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DIST="${1:-$ROOT/dist/gridworker}"
OUT="${2:-$ROOT/dist}"
[ -x "$DIST/gridworker" ] || { echo "deb.sh: $DIST/gridworker missing (run build_spec/build.sh)" >&2; exit 1; }
VERSION="$(cd "$ROOT" && python3 -c 'import re; print(re.search(r"^version = \"([^\"]+)\"", open("pyproject.toml").read(), re.M).group(1))')"
ARCH="$(dpkg --print-architecture)"
STAGE="$(mktemp -d)"
trap 'rm -rf "$STAGE"' EXIT

mkdir -p "$STAGE/DEBIAN" "$STAGE/opt" "$STAGE/usr/bin" "$STAGE/usr/share/applications"
cp -a "$DIST" "$STAGE/opt/gridworker"
ln -s /opt/gridworker/gridworker "$STAGE/usr/bin/gridworker"
for png in "$ROOT"/resources/icons/gridworker-*.png; do
    size="$(basename "$png" .png)"; size="${size#gridworker-}"
    mkdir -p "$STAGE/usr/share/icons/hicolor/${size}x${size}/apps"
    cp "$png" "$STAGE/usr/share/icons/hicolor/${size}x${size}/apps/gridworker.png"
done
mkdir -p "$STAGE/usr/share/icons/hicolor/scalable/apps"
cp "$ROOT/resources/icons/gridworker.svg" "$STAGE/usr/share/icons/hicolor/scalable/apps/gridworker.svg"
cat > "$STAGE/usr/share/applications/gridworker.desktop" <<DESKTOP
[Desktop Entry]
Type=Application
Name=gridworker
Name[zh_CN]=网格员工作台
GenericName=Community grid worker's workbench
GenericName[zh_CN]=社区网格员离线工作台
Comment=Households, visits, 1+10+N, ballots and cases, offline, synced with the city
Comment[zh_CN]=住户、走访、党员联户、议事表决、吹哨报到，离线可用，联网同步
Exec=gridworker app
Icon=gridworker
Terminal=false
Categories=Office;Database;
StartupWMClass=gridworker
DESKTOP
SIZE_KB="$(du -sk "$STAGE/opt" | cut -f1)"
cat > "$STAGE/DEBIAN/control" <<CONTROL
Package: gridworker
Version: $VERSION
Section: misc
Priority: optional
Architecture: $ARCH
Installed-Size: $SIZE_KB
Depends: fonts-wqy-microhei | fonts-noto-cjk, libgl1, libegl1, libxkbcommon0, libxkbcommon-x11-0, libfontconfig1, libdbus-1-3, libglib2.0-0, libxcb-cursor0, libxcb-icccm4, libxcb-keysyms1, libxcb-shape0, libxcb-xinerama0, libxcb-randr0, libxcb-render-util0, libxcb-image0
Maintainer: gridworker maintainers <maintainers@gridworker.invalid>
Description: 网格员工作台 - offline-first workbench for community grid workers
 Households, residents, visits, the 1+10+N party contact structure, residents'
 ballots and the 吹哨报到 case loop in an encrypted local database, synced with
 the city server when the network is there.
CONTROL
cat > "$STAGE/DEBIAN/postinst" <<'POSTINST'
#!/bin/sh
set -e
command -v update-desktop-database >/dev/null 2>&1 && update-desktop-database -q /usr/share/applications || true
command -v gtk-update-icon-cache >/dev/null 2>&1 && gtk-update-icon-cache -q /usr/share/icons/hicolor || true
exit 0
POSTINST
chmod 755 "$STAGE/DEBIAN/postinst"
mkdir -p "$OUT"
DEB="$OUT/gridworker_${VERSION}_${ARCH}.deb"
dpkg-deb --root-owner-group --build "$STAGE" "$DEB" >/dev/null
echo "$DEB"
