#!/usr/bin/env bash
# Record screen-capture cases with exact truth, check their time alignment, self-test the scorer.
#
#   make_case.sh --out DIR [--work DIR] [case ...]      (no case = all of them; see README.md)
#
# Writes DIR/<case>/{video.mp4,truth.json,alignment.json}.  Scratch files (monaco-editor from npm,
# browser profiles, raw captures, contact sheets) go to --work (default ./.record-work in the
# current folder).  Nothing is written next to this script: it can run from a read-only folder.
#
# Installs, unless SKIP_INSTALL=1 (needs root for apt-get):
#   apt-get : xvfb xdotool x11-utils x11-xserver-utils openbox ffmpeg chromium xterm tmux vim thonny
#             fonts-dejavu-core fonts-liberation fonts-open-sans fonts-jetbrains-mono fonts-firacode
#             fonts-hack fonts-inconsolata fonts-noto-mono nano fonts-go emacs-nox fonts-mononoki
#             micro fonts-anonymous-pro (npm too, if missing)
#   pip     : playwright (driven with Debian's chromium; `playwright install` is never run),
#             rapidfuzz av numpy pillow jupyterlab ipykernel
#   npm     : monaco-editor@0.52.2 into <work>/node
# Environment: PYTHON (default python3), SKIP_INSTALL=1, KEEP_WORK=1 (keep raw captures and profiles),
#              MAX_OFFSET (largest accepted alignment offset in s, default 0.1),
#              SCORE (path of score.py; default ../bench/score.py next to this folder).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PY="${PYTHON:-python3}"
OUT=""
WORK="$PWD/.record-work"
CASES=()
while [ $# -gt 0 ]; do
  case "$1" in
    --out) OUT="$2"; shift 2 ;;
    --work) WORK="$2"; shift 2 ;;
    -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
    *) CASES+=("$1"); shift ;;
  esac
done
[ -n "$OUT" ] || { echo "usage: make_case.sh --out DIR [--work DIR] [case ...]" >&2; exit 2; }
mkdir -p "$OUT" "$WORK"
OUT="$(cd "$OUT" && pwd)"; WORK="$(cd "$WORK" && pwd)"
export PYTHONDONTWRITEBYTECODE=1

if [ "${SKIP_INSTALL:-0}" != 1 ]; then
  apt-get update -q
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
    xvfb xdotool x11-utils x11-xserver-utils openbox ffmpeg chromium xterm tmux vim thonny \
    fonts-dejavu-core fonts-liberation fonts-open-sans fonts-jetbrains-mono fonts-firacode \
    fonts-hack fonts-inconsolata fonts-noto-mono nano fonts-go emacs-nox fonts-mononoki \
    micro fonts-anonymous-pro
  command -v npm >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -q npm
  "$PY" -m pip install -q playwright rapidfuzz av numpy pillow jupyterlab ipykernel
fi

mkdir -p "$WORK/node"
if [ ! -f "$WORK/node/node_modules/monaco-editor/min/vs/loader.js" ]; then
  ( cd "$WORK/node"
    [ -f package.json ] || echo '{"name":"record-deps","private":true}' > package.json
    npm install --no-audit --no-fund --silent monaco-editor@0.52.2 )
fi

if [ ${#CASES[@]} -eq 0 ]; then
  mapfile -t CASES < <("$PY" "$HERE/record.py" --list)
fi

rc=0
"$PY" "$HERE/record.py" --out "$OUT" --work "$WORK" "${CASES[@]}" || rc=$?
DONE=()
for c in "${CASES[@]}"; do [ -f "$OUT/$c/truth.json" ] && DONE+=("$c"); done
if [ ${#DONE[@]} -gt 0 ]; then
  echo "=== alignment check ==="
  "$PY" "$HERE/verify.py" --out "$OUT" --work "$WORK" --max-offset "${MAX_OFFSET:-0.1}" "${DONE[@]}" || rc=1
  SCORE="${SCORE:-$HERE/../bench/score.py}"
  if [ -f "$SCORE" ]; then
    echo "=== scorer self-test (oracle must be 1.0, degraded must drop) ==="
    TRUTHS=(); for c in "${DONE[@]}"; do TRUTHS+=("$OUT/$c/truth.json"); done
    "$PY" "$SCORE" --selftest "${TRUTHS[@]}" || rc=1
  else
    echo "score.py not found at $SCORE (set SCORE=...): scorer self-test skipped"
  fi
  du -ch "$OUT"/*/video.mp4 | tail -1
fi

if [ "${KEEP_WORK:-0}" != 1 ]; then
  # scratch files (browser profiles, logs, raw captures) may contain local paths: remove them
  rm -rf "$WORK/raw" "$WORK/profiles" "$WORK/term" "$WORK/thonny" "$WORK/jupyter"
fi
exit $rc
