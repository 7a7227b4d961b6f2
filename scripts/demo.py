"""Demo: generate a sample tutorial video with exact truth, process it offline, show what was read, and score
the result against the sample's own truth (the shared benchmark's metrics, computed by `pausecode.evaluate`).

Nothing is hidden: every segment is shown next to how often it matched the screen, and the closing score
counts the mistakes a viewer would notice (a cursor read as `|`, an empty reading while code is on screen,
code shown before it is typed) whatever they are.
"""

from __future__ import annotations

import argparse
import json
import sys
import textwrap
from pathlib import Path

from pausecode import PauseToCodeService, load_settings
from pausecode.evaluate import norm, report, score_segments, segment_agreement
from pausecode.exports import segment_rows
from pausecode.synth import generate

CASE = "demo"


def fixed_typos(truth: dict) -> list[str]:
    """Words the sample typed wrong on purpose and fixed with Backspace: the text before each deletion."""
    typos: list[str] = []
    previous = ""
    for s in truth["samples"]:
        code = norm(s["visible_code"]) if s["type"] == "code" else ""
        if previous and len(code) < len(previous) and code.count("\n") == previous.count("\n"):
            word = previous.split("\n")[-1].split()[-1]
            if word not in typos:
                typos.append(word)
        previous = code
    return typos


def describe(truth: dict) -> str:
    typos = fixed_typos(truth)
    final = next(norm(s["visible_code"]) for s in reversed(truth["samples"]) if s["type"] == "code")
    lines = [
        f"The sample: a generated {truth['duration']:.0f}-second tutorial recording ({truth['width']}x"
        f"{truth['height']}, {truth['editor']}), with exact truth (what is on screen every "
        f"{truth['sample_step']} s). {truth['description']}",
        "It is typed like a person types, key by key"
        + (f", with deliberate typos fixed with Backspace a moment later ({', '.join(typos)}): each is on "
           "screen for a fraction of a second, so a segment showing one is reading the screen right."
           if typos else "."),
        "The code on screen at the end:",
        textwrap.indent(final, "    "),
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("out", nargs="?", default="pausecode_data/demo", help="data folder for the demo")
    ap.add_argument("--engine", default=None, help="recognition engine (default: the configured one, rapidocr)")
    a = ap.parse_args(argv)
    out = Path(a.out)
    case_dir = generate(CASE, out / "videos")
    truth = json.loads((case_dir / "truth.json").read_text(encoding="utf-8"))
    print(describe(truth) + "\n")
    svc = PauseToCodeService(load_settings(data_dir=out, engine=a.engine))
    print(f"processing {case_dir / 'video.mp4'} offline ...", flush=True)
    result = svc.process(str(case_dir / "video.mp4"), force_reprocess=True)
    s = result.summary()
    print(f"video {s['video_id']}: {s['segments']} segments in {s['processing_time']:.1f}s\n")

    print("Segments (`pausecode segments ID`), each with how many of its truth samples it reads exactly:")
    for seg, row in zip(result.segments, segment_rows(result.segments), strict=True):
        exact, n = segment_agreement(seg, truth)
        print(f"  {row:<96} {f'{exact}/{n} exact' if n else ''}")

    last = next(x["t"] for x in reversed(truth["samples"]) if x["type"] == "code")
    r = svc.get_code_at_timestamp(s["video_id"], last)
    print(f"\n`pausecode query {s['video_id']} {last:g}` → {r['segment_type']} "
          f"[{r['segment_start']}–{r['segment_end']}]:")
    print(textwrap.indent(r["code_content"] or "", "    "))

    score = score_segments(result.segments, truth)
    print("\nSelf-score against the sample's own truth (the metrics of ../shared/bench/score.py):")
    print(report(score))
    if score.cursor_read or score.empty_while_code or score.ahead_of_screen:
        print("The counts above that are not 0 are recognition mistakes, shown as measured: see the segments "
              "list for where they are.")
    (out / "demo_score.json").write_text(json.dumps(score.to_dict(), indent=2) + "\n", encoding="utf-8")
    print(f"\nexports (timeline.md, extracted_code.py) in {out / 'exports'}; score in {out / 'demo_score.json'}; "
          "try: pausecode --help")
    return 0


if __name__ == "__main__":
    sys.exit(main())
