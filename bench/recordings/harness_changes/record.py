"""Record screen-capture cases with exact, time-aligned truth.

usage: python3 record.py --out DIR [--work DIR] CASE [CASE ...]
       python3 record.py --list

Writes DIR/<case>/video.mp4 and DIR/<case>/truth.json.  Scratch files (monaco-editor from npm,
browser profiles, raw captures) go to --work (default: ./.record-work in the current folder).
Nothing is written next to this script, so it can run from a read-only folder.
"""
import argparse
import sys

sys.dont_write_bytecode = True

import common as C  # noqa: E402

CASE_MODULES = {
    "dev_monaco_light_720p": "monaco_case",
    "dev_monaco_hc_1080p_scroll": "monaco_case",
    "dev_overlay_720p": "monaco_case",
    "dev_terminal_light_720p": "terminal_case",
    "dev_thonny_alt_720p": "thonny_case",
    "dev_jupyterlab_dark_720p": "jupyter_case",
    "held_thonny_light_720p": "thonny_light_case",
    "held_terminal_dark_1080p": "terminal_dark_case",
    "held_nano_dark_720p": "nano_dark_case",
    "held_emacs_light_720p": "emacs_light_case",
    "held_micro_light_720p": "micro_light_case",
}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("cases", nargs="*", help="case names (see --list)")
    ap.add_argument("--out", help="output folder: <out>/<case>/ is written")
    ap.add_argument("--work", help="scratch folder (default ./.record-work)")
    ap.add_argument("--list", action="store_true", help="list the case names and exit")
    a = ap.parse_args()
    if a.list or not a.cases:
        print("\n".join(CASE_MODULES))
        return 0
    if not a.out:
        ap.error("--out DIR is required")
    unknown = [c for c in a.cases if c not in CASE_MODULES]
    if unknown:
        ap.error(f"unknown case(s): {', '.join(unknown)}; known: {', '.join(CASE_MODULES)}")
    C.configure(a.out, a.work)
    failed = []
    for case in a.cases:
        C.log(f"=== recording {case} -> {C.CASES / case}")
        mod = __import__(CASE_MODULES[case])
        try:
            mod.CASES[case]()
        except Exception as e:  # keep going with the other cases
            import traceback
            traceback.print_exc()
            failed.append(case)
            C.log(f"{case}: FAILED ({e!r})")
    if failed:
        C.log("failed cases: " + " ".join(failed))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
