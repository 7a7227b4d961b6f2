/* pausecode "Run it" worker: Pyodide (served locally at /vendor/pyodide/, never a CDN) runs one code text per
   message. It lives in a worker so the page can stop a runaway program by terminating it. */
"use strict";
const PYODIDE_BASE = "/vendor/pyodide/";
importScripts(PYODIDE_BASE + "pyodide.js");

const DRIVER = `
import sys, traceback

def _pausecode_check(src):
    """None when the text compiles, else (kind, message, line): the code on screen is not complete yet."""
    try:
        compile(src, "<paused code>", "exec")
        return None
    except (SyntaxError, ValueError) as e:
        return [type(e).__name__, getattr(e, "msg", str(e)), getattr(e, "lineno", 0) or 0]

def _pausecode_run(src):
    """Run in a fresh namespace; a traceback goes to stderr without this driver's own frame."""
    code = compile(src, "<paused code>", "exec")
    try:
        exec(code, {"__name__": "__main__"})
        return True
    except SystemExit:
        return True
    except BaseException:
        et, ev, tb = sys.exc_info()
        traceback.print_exception(et, ev, tb.tb_next)
        return False
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
`;

let pyodideReady = null;
function load() {
  if (!pyodideReady) {
    pyodideReady = loadPyodide({ indexURL: PYODIDE_BASE }).then((py) => {
      py.setStdout({ batched: (text) => postMessage({ type: "out", stream: "stdout", text: text }) });
      py.setStderr({ batched: (text) => postMessage({ type: "out", stream: "stderr", text: text }) });
      py.setStdin({ stdin: () => null }); // input() reads end-of-file: there is no keyboard in a worker
      py.runPython(DRIVER);
      return py;
    });
  }
  return pyodideReady;
}

self.onmessage = async (ev) => {
  let py;
  try { py = await load(); } catch (e) {
    postMessage({ type: "load-error", message: String((e && e.message) || e) });
    return;
  }
  const src = String(ev.data.code || "");
  const problem = py.globals.get("_pausecode_check")(src);
  if (problem) {
    const [kind, message, line] = problem.toJs();
    problem.destroy();
    postMessage({ type: "syntax", kind: kind, message: message, line: line });
    return;
  }
  postMessage({ type: "started" });
  let ok = false;
  try { ok = py.globals.get("_pausecode_run")(src); } catch (e) {
    postMessage({ type: "out", stream: "stderr", text: String((e && e.message) || e) });
  }
  postMessage({ type: "done", ok: ok });
};
