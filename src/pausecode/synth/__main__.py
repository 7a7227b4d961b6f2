"""CLI: `python -m pausecode.synth OUT_DIR [--case NAME ...] [--seed N] [--list]`.

Without --case it generates every preset; `--case short` / `--case long` select those groups.
"""

from __future__ import annotations

import argparse
import sys
import time

from .generate import generate, plan
from .scenarios import CASES


def _select(names: list[str] | None) -> list[str]:
    if not names:
        return list(CASES)
    out: list[str] = []
    for n in names:
        if n in ("short", "long"):
            out += [c for c in CASES if c.startswith(n + "_")]
        elif n in CASES:
            out.append(n)
        else:
            raise SystemExit(f"unknown case {n!r}; use --list")
    return list(dict.fromkeys(out))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m pausecode.synth",
        description="Generate synthetic tutorial recordings with exact truth.",
    )
    ap.add_argument("out_dir", nargs="?", help="folder that receives <case>/video.mp4 and truth.json")
    ap.add_argument("--case", action="append", help="case name (repeatable), or 'short' / 'long'")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--list", action="store_true", help="list the preset cases and exit")
    args = ap.parse_args(argv)
    if args.list:
        for name, spec in CASES.items():
            _, _, truth = plan(spec, args.seed)
            print(f"{name:24s} {truth['duration']:6.1f}s {spec.width}x{spec.height}  {spec.description}")
        return 0
    if not args.out_dir:
        ap.error("OUT_DIR is required (or use --list)")
    for name in _select(args.case):
        t0 = time.perf_counter()
        folder = generate(name, args.out_dir, seed=args.seed)
        print(f"{name}: {folder} ({time.perf_counter() - t0:.1f}s)", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
