#!/usr/bin/env bash
# Remake the held-out real-editor recordings: held_thonny_light_720p, held_terminal_dark_1080p,
# held_nano_dark_720p, held_emacs_light_720p and held_micro_light_720p (see README.md).
#
#   bench/recordings/make_heldout.sh [OUTDIR [CASE ...]]   (default OUTDIR: ../heldout-cases from the repo root;
#                                                          default CASEs: all of the above, one after the other)
#
# Copies the recording harness ../shared/record (relative to the repo root) into a scratch folder,
# overlays the files in harness_changes/ (new case modules, programs, lessons, record.py, make_case.sh)
# and runs its make_case.sh for the cases: OUTDIR/<case>/{video.mp4,truth.json,alignment.json}.
# Keep OUTDIR out of the repo.  Needs root the first time (apt-get installs; SKIP_INSTALL=1 skips them).
# Environment: HARNESS (the harness folder, default ../shared/record from the repo root, e.g. for a git
# worktree elsewhere), WORK (scratch for make_case.sh, default <scratch>/work), KEEP_SCRATCH=1 (keep the
# scratch folder), plus make_case.sh's own (SKIP_INSTALL, KEEP_WORK, MAX_OFFSET).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
SRC="${HARNESS:-$ROOT/../shared/record}"
[ -f "$SRC/make_case.sh" ] || { echo "harness not found: $SRC" >&2; exit 2; }
OUT="$(realpath -m "${1:-$ROOT/../heldout-cases}")"
[ $# -gt 0 ] && shift
CASES=("$@")
[ ${#CASES[@]} -gt 0 ] || CASES=(held_thonny_light_720p held_terminal_dark_1080p held_nano_dark_720p held_emacs_light_720p held_micro_light_720p)
case "$OUT/" in "$ROOT"/*) echo "refusing to write videos inside the repo: $OUT" >&2; exit 2 ;; esac
mkdir -p "$OUT"

SCRATCH="$(mktemp -d "${TMPDIR:-/tmp}/heldout-record.XXXXXX")"
[ "${KEEP_SCRATCH:-0}" = 1 ] || trap 'rm -rf "$SCRATCH"' EXIT
cp -r "$SRC" "$SCRATCH/record"
chmod -R u+w "$SCRATCH/record"
cp -r "$HERE/harness_changes/." "$SCRATCH/record/"
WORK="${WORK:-$SCRATCH/work}"
# make_case.sh looks for the scorer next to the harness; point it at the shared one
if [ -z "${SCORE:-}" ] && [ -f "$SRC/../bench/score.py" ]; then
  export SCORE="$(cd "$SRC/../bench" && pwd)/score.py"
fi
# the cases are recorded one after the other; keep the machine otherwise quiet while they run
"$SCRATCH/record/make_case.sh" --out "$OUT" --work "$WORK" "${CASES[@]}"
