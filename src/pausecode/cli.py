"""`pausecode` command line: a thin shell over `PauseToCodeService`. Errors become exit codes, never tracebacks.

Human output by default, `--json` for scripts; progress goes to stderr so stdout stays parseable.
"""

from __future__ import annotations

import argparse
import json
import os
import logging
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import __version__
from .errors import ExitCode, PausecodeError, UsageError, VideoNotFoundError
from .exports import fmt_time, segment_rows

if TYPE_CHECKING:
    from .settings import Settings

log = logging.getLogger("pausecode")


def _progress_bar(enabled: bool):  # noqa: ANN202
    """A tqdm bar on stderr that follows (stage, done, total) callbacks."""
    if not enabled:
        return None, lambda *a: None
    from tqdm import tqdm

    bar = tqdm(total=100, unit="%", file=sys.stderr, leave=False, dynamic_ncols=True,
               bar_format="{desc:<10} {percentage:3.0f}%|{bar}| {elapsed}<{remaining}")

    def update(stage: str, done: float, total: float) -> None:
        bar.set_description_str(stage)
        pct = 100.0 * done / total if total else 0.0
        bar.n = min(100.0, round(pct, 1))
        bar.refresh()

    return bar, update


def _settings(args: argparse.Namespace):  # noqa: ANN202
    from .settings import load_settings

    return load_settings(
        getattr(args, "config", None),
        data_dir=Path(args.data_dir) if getattr(args, "data_dir", None) else None,
        engine=getattr(args, "engine", None),
        frame_interval=getattr(args, "interval", None),
        vlm_max_requests=getattr(args, "max_requests", None),
    )


def _missing_database(settings: Settings) -> Path | None:
    """The SQLite file a read-only command would have to create, when it does not exist (None otherwise)."""
    url = settings.db_url
    if not url.startswith("sqlite:///") or url.endswith(":memory:"):
        return None  # a database server: it holds what it holds
    path = Path(url.removeprefix("sqlite:///"))
    return None if path.exists() else path


def _read_service(args: argparse.Namespace, video_id: str | None = None):  # noqa: ANN202
    """The service for a command that only reads: None when nothing was ever processed in the data folder.

    Opening the store would create the data folder and an empty database; a command that only reads must leave
    no trace, so it stops here. With a video id, that is an unknown id (exit 6) naming the empty folder."""
    settings = _settings(args)
    missing = _missing_database(settings)
    if missing is None:
        from .service import PauseToCodeService

        return PauseToCodeService(settings)
    if video_id is not None:
        raise VideoNotFoundError(f"unknown video id {video_id!r}: nothing has been processed in "
                                 f"{settings.data_dir} (no database at {missing})",
                                 hint="pausecode process SOURCE, or --data-dir / PAUSECODE_DATA_DIR")
    return None


def _check_engine_installed(settings: Settings) -> None:
    """Refuse an engine whose optional package is missing before anything is opened or stored."""
    from .engine_status import missing_package

    error = missing_package(settings.engine, settings)
    if error is not None:
        raise error


def _out(obj: Any) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False, indent=2) + "\n")


def cmd_process(args: argparse.Namespace) -> int:
    settings = _settings(args)
    _check_engine_installed(settings)
    if args.dry_run:
        from .ingest import open_source

        info = open_source(args.source, settings)
        try:
            from .recognize.engines.vlm.hybrid import dry_run_report

            report = dry_run_report(info, settings)
        except ImportError:
            from .pipeline import plan_key_frames

            report = plan_key_frames(info, settings)
        _out(report) if args.json else print("\n".join(f"{k}: {v}" for k, v in report.items()))
        return 0
    from .service import PauseToCodeService

    svc = PauseToCodeService(settings)
    bar, progress = _progress_bar(not args.json and not args.quiet and sys.stderr.isatty())
    try:
        result = svc.process(args.source, force_reprocess=args.force, progress=progress)
    finally:
        if bar is not None:
            bar.close()
    summary = result.summary()
    if args.json:
        _out(summary)
    else:
        state = "cached" if result.cached else f"processed in {summary['processing_time']:.1f}s"
        print(f"{summary['video_id']}  {summary['title']!r}  {fmt_time(summary['duration'])}  "
              f"{summary['segments']} segments ({summary['code_segments']} code)  [{state}]")
        if result.stats.partial:
            why = result.stats.partial_reason or f"the video decoded only until {result.stats.decoded_until:.1f}s"
            print(f"warning: {why}; what could be read was processed and stored as partial", file=sys.stderr)
    return int(ExitCode.PARTIAL) if result.stats.partial else 0


def cmd_query(args: argparse.Namespace) -> int:
    svc = _read_service(args, args.video_id)
    res = svc.get_code_at_timestamp(args.video_id, args.t, args.tolerance)
    if not res["found"]:
        duration = svc.get_result(args.video_id).video.duration
        t = res["timestamp_requested"]
        if t > duration:
            res["message"] = (f"{t:g}s is past the end of the video: it lasts {fmt_time(duration)} "
                              f"({duration:.1f}s)")
        else:
            res["message"] += f" (the video lasts {fmt_time(duration)})"
        if args.json:
            _out(res)
        print(f"error: {res['message']}", file=sys.stderr)
        return int(ExitCode.NO_SEGMENT)
    if args.json:
        _out(res)
    elif res["segment_type"] == "learning":
        print(f"[{fmt_time(res['segment_start'])}–{fmt_time(res['segment_end'])}] {res['message']}")
    else:
        name = f" {res['file_name']}" if res.get("file_name") else ""
        print(f"# [{fmt_time(res['segment_start'])}–{fmt_time(res['segment_end'])}]{name} "
              f"({res['language'] or 'code'}, confidence {res['confidence']:.2f})")
        print(res["code_content"] or "")
    return 0


def cmd_segments(args: argparse.Namespace) -> int:
    svc = _read_service(args, args.video_id)
    segs = svc.get_segments(args.video_id, args.type, args.min_confidence)
    if args.json:
        _out([s.to_dict() for s in segs])
        return 0
    for row in segment_rows(segs):
        print(row)
    return 0


def _write_text(args: argparse.Namespace, fmt: str, text: str) -> None:
    """Print `text`, or write it to -o; with --json, one JSON object saying what was produced."""
    if args.output:
        from .exports import atomic_write

        atomic_write(Path(args.output), text)
    if not args.json:
        if args.output:
            print(args.output)
        else:
            sys.stdout.write(text + "\n")
        return
    doc: dict[str, Any] = {"video_id": args.video_id, "format": fmt}
    if args.output:
        doc["path"] = str(args.output)
    else:
        doc["content"] = json.loads(text) if fmt == "json" else text
    _out(doc)


def cmd_timeline(args: argparse.Namespace) -> int:
    _write_text(args, "md", _read_service(args, args.video_id).export(args.video_id, "md"))
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    _write_text(args, args.format, _read_service(args, args.video_id).export(args.video_id, args.format))
    return 0


def cmd_videos(args: argparse.Namespace) -> int:
    svc = _read_service(args)
    vids = svc.list_videos() if svc is not None else []
    if args.json:
        _out(vids)
        return 0
    if svc is None:
        print(f"no videos: nothing has been processed in {_settings(args).data_dir} (no database there); "
              "pausecode process SOURCE")
        return 0
    if not vids:
        print("no videos yet: pausecode process SOURCE")
    for v in vids:
        print(f"{v['video_id']:<20} {v['status']:<10} {fmt_time(v['duration'] or 0):>9} {v['segments']:>5} seg  "
              f"{v['title']}")
    return 0


def cmd_engines(args: argparse.Namespace) -> int:
    from .engine_status import engine_statuses

    statuses = engine_statuses(_settings(args))
    if args.json:
        _out([s.to_dict() for s in statuses])
        return 0
    width = max(len(s.name) for s in statuses)
    for s in statuses:
        where = "offline" if s.offline else ("remote" if s.offline is False else "?")
        state = "available" if s.available else f"unavailable: {s.reason}"
        print(f"{s.name:<{width}}  {'default' if s.default else '       '}  {where:<7}  {state}")
    return 0


def _refuse_json(args: argparse.Namespace) -> None:
    if args.json:
        raise UsageError(f"`pausecode {args.command}` prints no results: --json does not apply to it",
                         hint="the REST API answers in JSON; see /docs" if args.command == "serve" else None)


def cmd_serve(args: argparse.Namespace) -> int:
    _refuse_json(args)
    from .server.app import serve

    serve(_settings(args), args.host, args.port)
    return 0


def cmd_worker(args: argparse.Namespace) -> int:
    _refuse_json(args)
    from .jobs.worker import run_worker

    run_worker(_settings(args), workers=args.workers)
    return 0


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--data-dir", help="data folder (default ./pausecode_data, env PAUSECODE_DATA_DIR)")
    common.add_argument("--config", help="config file (TOML, or the reference's config.json)")
    common.add_argument("--json", action="store_true", help="machine-readable output on stdout")
    common.add_argument("-v", "--verbose", action="store_true")

    p = argparse.ArgumentParser(prog="pausecode", description="Pause a coding tutorial, get the code on screen.")
    p.add_argument("--version", action="version", version=f"pausecode {__version__}")
    sub = p.add_subparsers(dest="command", required=True)

    sp = sub.add_parser("process", parents=[common], help="process a video file or URL")
    sp.add_argument("source", help="local video file or URL (YouTube or any site yt-dlp supports)")
    sp.add_argument("--interval", type=float, help="longest a change can go unread, seconds (default 2.0)")
    sp.add_argument("--engine", help="recognition engine (default rapidocr; see `pausecode engines`)")
    sp.add_argument("--force", action="store_true", help="reprocess even if already processed")
    sp.add_argument("--dry-run", action="store_true", help="count engine requests (and cost) without reading")
    sp.add_argument("--max-requests", type=int, help="stop after this many engine requests (remote engines)")
    sp.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    sp.set_defaults(func=cmd_process)

    sp = sub.add_parser("query", parents=[common], help="the code on screen at a timestamp")
    sp.add_argument("video_id")
    sp.add_argument("t", help="seconds, or [h:]m:s")
    sp.add_argument("--tolerance", default=1.0, help="accept the nearest segment within this many seconds")
    sp.set_defaults(func=cmd_query)

    sp = sub.add_parser("segments", parents=[common], help="list segments")
    sp.add_argument("video_id")
    sp.add_argument("--type", choices=["code", "learning", "mixed"])
    sp.add_argument("--min-confidence", type=float, default=0.0)
    sp.set_defaults(func=cmd_segments)

    sp = sub.add_parser("timeline", parents=[common], help="markdown timeline")
    sp.add_argument("video_id")
    sp.add_argument("-o", "--output")
    sp.set_defaults(func=cmd_timeline)

    sp = sub.add_parser("export", parents=[common], help="export analysis json, timeline md or code py")
    sp.add_argument("video_id")
    sp.add_argument("--format", choices=["json", "md", "py"], required=True)
    sp.add_argument("-o", "--output")
    sp.set_defaults(func=cmd_export)

    sp = sub.add_parser("videos", parents=[common], help="list processed videos")
    sp.set_defaults(func=cmd_videos)

    sp = sub.add_parser("engines", parents=[common], help="list recognition engines")
    sp.set_defaults(func=cmd_engines)

    sp = sub.add_parser("serve", parents=[common], help="REST API + web player (+ a job worker process at lower CPU priority)")
    sp.add_argument("--host", default="127.0.0.1")
    sp.add_argument("--port", type=int, default=8000)
    sp.set_defaults(func=cmd_serve)

    sp = sub.add_parser("worker", parents=[common], help="run background job workers")
    sp.add_argument("--workers", type=int, default=1)
    sp.set_defaults(func=cmd_worker)
    return p


SIGPIPE_EXIT = 141  # 128 + SIGPIPE: what a shell reports for a process whose reader closed the pipe
SIGINT_EXIT = 130  # 128 + SIGINT: what a shell reports for a process stopped with Ctrl+C


def _say(message: str) -> None:
    """A line on stderr that cannot itself fail (stderr may be a closed pipe too)."""
    try:
        print(message, file=sys.stderr)
    except (OSError, ValueError):
        pass


def _run(argv: list[str] | None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO if getattr(args, "verbose", False) else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    try:
        code = int(args.func(args))
    except PausecodeError as e:
        if getattr(args, "json", False):
            sys.stdout.write(json.dumps(e.to_dict()) + "\n")
        _say(f"error: {e}")
        code = int(e.exit_code)
    sys.stdout.flush()  # a closed pipe surfaces here, not in the interpreter's exit
    return code


def main(argv: list[str] | None = None) -> int:
    """Run one command. Errors end as one `error: ...` line and an exit code; a closed pipe (`| head`) and
    Ctrl+C end quietly, whatever the command was doing, never with a traceback."""
    try:
        return _run(argv)
    except KeyboardInterrupt:
        _say("interrupted")
        return SIGINT_EXIT
    except BrokenPipeError:  # `pausecode segments ID | head`: the reader left, nothing is wrong
        # stdout is gone: point it at devnull so the interpreter's final flush does not fail again
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return SIGPIPE_EXIT


if __name__ == "__main__":
    raise SystemExit(main())
