/* pausecode "Run it": runs Python code in a Web Worker with Pyodide served by this server (make web-assets).
   The run has a time limit; on timeout the worker is terminated (the next run starts a fresh one). */
(function (global) {
  "use strict";
  const PYODIDE_PROBE = "/vendor/pyodide/pyodide.js";
  const config = {
    runTimeLimitSeconds: 10,      // s a program may run before it is stopped (loops waiting for input, etc.)
    loadTimeLimitSeconds: 180,    // s to start Pyodide (~10 MB of WebAssembly) on a slow machine
  };
  let worker = null;
  let current = null; // {resolve, timer, onOutput}

  let availability = null;
  function available() {
    if (!availability) {
      availability = fetch(PYODIDE_PROBE, { method: "HEAD", cache: "no-store" })
        .then((r) => r.ok).catch(() => false);
    }
    return availability;
  }

  function finish(result) {
    if (!current) return;
    clearTimeout(current.timer);
    const c = current;
    current = null;
    c.resolve(result);
  }

  function kill() {
    if (worker) worker.terminate();
    worker = null;
  }

  function startWorker() {
    worker = new Worker("/static/run-worker.js");
    worker.onmessage = (ev) => {
      const m = ev.data;
      if (!current) return;
      if (m.type === "out") current.onOutput(m.stream, m.text);
      else if (m.type === "started") {
        clearTimeout(current.timer);
        current.timer = setTimeout(() => { kill(); finish({ status: "timeout", seconds: config.runTimeLimitSeconds }); },
          config.runTimeLimitSeconds * 1000);
      } else if (m.type === "syntax") finish({ status: "syntax", kind: m.kind, message: m.message, line: m.line });
      else if (m.type === "done") finish({ status: m.ok ? "ok" : "error" });
      else if (m.type === "load-error") { kill(); finish({ status: "load-failed", message: m.message }); }
    };
    worker.onerror = (e) => { kill(); finish({ status: "load-failed", message: e.message || "the runner failed" }); };
  }

  /** Run `code`; `onOutput(stream, text)` gets stdout/stderr lines. Resolves to {status: ok|error|syntax|timeout|load-failed}. */
  function run(code, onOutput) {
    if (current) { kill(); finish({ status: "replaced" }); }
    if (!worker) startWorker();
    return new Promise((resolve) => {
      current = { resolve: resolve, onOutput: onOutput, timer: null };
      current.timer = setTimeout(() => { kill(); finish({ status: "load-failed", message: "Pyodide did not start in time" }); },
        config.loadTimeLimitSeconds * 1000);
      worker.postMessage({ code: code });
    });
  }

  global.PauseRunner = { run: run, available: available, config: config };
})(window);
