#!/usr/bin/env bash
# Build the one-folder program: dist/gridworker/gridworker (Linux). Usage: build_spec/build.sh
#
# Uses the project's .venv (PYTHON=... to use another interpreter). Installs PyInstaller into it if
# missing, builds the .qm translations from the .ts sources (lrelease only: the .ts files are not
# touched), then runs PyInstaller on build_spec/gridworker.spec. Work files go to build/pyinstaller/,
# the result to dist/gridworker/ (both git-ignored). Exits non-zero on any failure.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PYTHON="${PYTHON:-$ROOT/.venv/bin/python}"
if [ ! -x "$PYTHON" ]; then
    echo "build.sh: no Python at $PYTHON (make setup creates .venv)" >&2
    exit 1
fi

missing=()
while read -r pkg; do
    pkg=${pkg%%#*}; pkg=$(echo "$pkg" | xargs)
    [ -n "$pkg" ] && ! dpkg -s "$pkg" >/dev/null 2>&1 && missing+=("$pkg")
done < "$ROOT/build_spec/apt-packages.txt"
if [ ${#missing[@]} -gt 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "build.sh: installing Debian packages: ${missing[*]}"
    SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if ! "$PYTHON" -c "import PyInstaller" 2>/dev/null; then
    echo "build.sh: installing PyInstaller into $("$PYTHON" -c 'import sys; print(sys.prefix)')"
    "$PYTHON" -m pip install --quiet "pyinstaller>=6.10"
fi

echo "build.sh: building translations (.qm)"
"$PYTHON" - <<'PY'
from gridworker.paths import resources_dir
from gridworker.ui.i18n_build import LANGUAGES, run_lrelease

for lang in LANGUAGES:
    ts = resources_dir() / "i18n" / f"gridworker_{lang}.ts"
    print("  ", run_lrelease(ts))
PY

echo "build.sh: PyInstaller $("$PYTHON" -c 'import PyInstaller; print(PyInstaller.__version__)')"
"$PYTHON" -m PyInstaller --noconfirm --clean --log-level WARN \
    --workpath "$ROOT/build/pyinstaller" --distpath "$ROOT/dist" \
    "$ROOT/build_spec/gridworker.spec"

echo "build.sh: built $ROOT/dist/gridworker/gridworker ($(du -sh "$ROOT/dist/gridworker" | cut -f1))"
