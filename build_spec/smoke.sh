#!/usr/bin/env bash
# Smoke test of the built program: build, then run dist/gridworker/gridworker --version and
# --self-check headless. Usage: build_spec/smoke.sh [--no-build]   (exit 0 = the build is good)
#
# The self-check opens a fresh data folder in a temporary directory, runs the migrations, starts
# the embedded sync server, loads the translations and builds the first-run screen and the main
# window offscreen. HOME and the XDG folders point into a temporary directory so the run never
# touches the user's own settings, data or logs; the log the built program wrote is shown on failure.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
EXE="$ROOT/dist/gridworker/gridworker"

if [ "${1:-}" != "--no-build" ]; then
    start=$(date +%s)
    "$ROOT/build_spec/build.sh"
    echo "smoke.sh: build took $(( $(date +%s) - start )) s"
fi
[ -x "$EXE" ] || { echo "smoke.sh: $EXE missing" >&2; exit 1; }
echo "smoke.sh: dist/gridworker is $(du -sh "$ROOT/dist/gridworker" | cut -f1)"

SANDBOX="$(mktemp -d -t gridworker-smoke-XXXXXX)"
trap 'rm -rf "$SANDBOX"' EXIT
export HOME="$SANDBOX/home" XDG_DATA_HOME="$SANDBOX/data" XDG_CONFIG_HOME="$SANDBOX/config" \
       XDG_STATE_HOME="$SANDBOX/state" XDG_CACHE_HOME="$SANDBOX/cache" QT_QPA_PLATFORM=offscreen
mkdir -p "$HOME"
cd "$SANDBOX"   # not the checkout: the program must not find migrations/ or resources/ by accident

fail=0
version="$("$EXE" --version)" || fail=1
echo "smoke.sh: --version: $version"
case "$version" in "gridworker, version "*) ;; *) echo "smoke.sh: unexpected --version output" >&2; fail=1 ;; esac

start=$(date +%s)
if "$EXE" --self-check; then
    echo "smoke.sh: --self-check passed in $(( $(date +%s) - start )) s"
else
    echo "smoke.sh: --self-check FAILED" >&2
    fail=1
fi

# A real Linux desktop uses the xcb plugin: check it too where an X server can be faked.
if command -v xvfb-run >/dev/null; then
    if QT_QPA_PLATFORM=xcb xvfb-run -a "$EXE" --self-check >"$SANDBOX/xcb.out" 2>&1 \
            && grep -q "platform plugin 'xcb'" "$SANDBOX/xcb.out"; then
        echo "smoke.sh: --self-check under Xvfb (xcb plugin) passed"
    else
        cat "$SANDBOX/xcb.out" >&2
        echo "smoke.sh: --self-check under Xvfb (xcb plugin) FAILED" >&2
        fail=1
    fi
else
    echo "smoke.sh: xvfb-run not installed: xcb plugin not checked"
fi

# First run on an empty machine: no arguments opens the app (the enrol-or-demo screen) with its data
# in the platform's user data folder; it must still be up, waiting for the user, when we stop it.
"$EXE" >"$SANDBOX/first-run.out" 2>&1 &
app_pid=$!
for _ in $(seq 1 600); do
    [ -d "$XDG_DATA_HOME/gridworker" ] && break
    kill -0 "$app_pid" 2>/dev/null || break
    sleep 0.1
done
sleep 2
if kill -0 "$app_pid" 2>/dev/null && [ -d "$XDG_DATA_HOME/gridworker" ] \
        && [ -f "$XDG_STATE_HOME/gridworker/log/gridworker.log" ]; then
    echo "smoke.sh: first run: app open on $XDG_DATA_HOME/gridworker, log in $XDG_STATE_HOME/gridworker/log"
else
    cat "$SANDBOX/first-run.out" >&2
    echo "smoke.sh: first run FAILED (app not running, or no data folder / log)" >&2
    fail=1
fi
kill -9 "$app_pid" 2>/dev/null || true
wait "$app_pid" 2>/dev/null || true

# Upgrade: a database of an older release (first migration head, with unsent changes), opened by
# the built program, reaches head with its rows and pending changes, and a backup is made.
PYTHON="${PYTHON:-$ROOT/.venv/bin/python}"
# Its local user logs in once (as the app's login would): the plain file is encrypted in place.
"$PYTHON" "$ROOT/build_spec/old_database.py" "$SANDBOX/old" >/dev/null
if echo "old-password" | "$EXE" db info --data-dir "$SANDBOX/old" --user laowang --password-stdin --json \
        >"$SANDBOX/old-info.json" 2>"$SANDBOX/old-info.err" \
        && "$PYTHON" - "$SANDBOX/old-info.json" "$SANDBOX/old" <<'PY'
import json, pathlib, sys
from gridworker.store.migrate import head_revision
info = json.loads(pathlib.Path(sys.argv[1]).read_text(encoding="utf-8"))
backups = list(pathlib.Path(sys.argv[2]).glob("gridworker.db.pre-upgrade-*.bak"))
from gridworker.store.connect import is_encrypted
ok = (info["schema_revision"] == head_revision("client") and info["rows"]["household"] == 1
      and info["rows"]["resident"] == 1 and info["pending"] == 2 and len(backups) == 1
      and is_encrypted(pathlib.Path(sys.argv[2]) / "gridworker.db") and all(is_encrypted(b) for b in backups))
print(f"smoke.sh: old database -> {info['schema_revision']}, {info['rows']['household']} household, "
      f"{info['pending']} unsent changes, {len(backups)} backup")
sys.exit(0 if ok else 1)
PY
then
    echo "smoke.sh: upgrade of an older release's database passed"
else
    cat "$SANDBOX/old-info.json" "$SANDBOX/old-info.err" >&2 || true
    echo "smoke.sh: upgrade of an older release's database FAILED" >&2
    fail=1
fi

help="$("$EXE" --help)" || fail=1
for group in app demo db client server; do
    grep -q "^  $group " <<<"$help" || { echo "smoke.sh: command '$group' missing from --help" >&2; fail=1; }
done

if [ "$fail" -ne 0 ]; then
    echo "smoke.sh: --- log of the built program ---" >&2
    find "$SANDBOX/state" -name '*.log' -exec tail -n 60 {} \; >&2 || true
    echo "smoke.sh: FAILED" >&2
    exit 1
fi
echo "smoke.sh: passed"
