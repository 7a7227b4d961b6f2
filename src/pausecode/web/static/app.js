/* pausecode web player: process or upload a video, follow the job, play; the code panel follows the video and
   pausing pins the code on screen at that moment. */
(function () {
  "use strict";
  const H = window.PauseHighlight;
  const R = window.PauseRunner;
  const $ = (id) => document.getElementById(id);

  const UNCERTAIN_BELOW = 0.8;        // confidence under which a reading is marked "check against the video"
  const FOLLOW_INTERVAL_MS = 250;     // follow mode redraws at most this often (ms) while the video plays
  const FOLLOW_TOLERANCE_S = 1.0;     // s: a moment between segments shows the nearest within this (as the API)
  const SEEK_STEP_S = 5;              // s an arrow key seeks
  const JOB_POLL_MS = 500;            // ms between job status polls
  const ETA_WINDOW_S = 15;            // s of recent progress the ETA's rate is measured over (speed changes)
  const ETA_MIN_SPAN_S = 2;           // s of progress needed before an ETA is shown at all
  const TOAST_MS = 6000;              // ms a status message stays
  const LIST_REFRESH_MS = 3000;       // ms between refreshes of "Your videos" while a job runs (its progress)
  const STAGE_LABELS = {
    queued: "Waiting for a worker", starting: "Starting", requeued: "Restarting (a worker stopped)",
    download: "Downloading", recognize: "Reading frames", segments: "Building segments", done: "Done",
    cancelled: "Cancelled",
  };

  const state = {
    videoId: null, duration: 0, segments: [], answer: null, jobId: null, seq: 0, shownCode: "",
    upload: null, jobNames: {}, listAt: 0, followAt: 0, shownIndex: -1, progress: [], progressStage: null,
  };

  // ------------------------------------------------------------------ API
  function apiKey() { return $("api-key").value.trim(); }
  function headers(extra) {
    const h = Object.assign({}, extra || {});
    const k = apiKey();
    if (k) h["X-API-Key"] = k;
    return h;
  }
  async function api(path, opts) {
    opts = opts || {};
    const r = await fetch(path, Object.assign({}, opts, { headers: headers(opts.headers) }));
    let body = null;
    try { body = await r.json(); } catch (e) { body = null; }
    if (!r.ok) {
      if (r.status === 401) $("key-box").open = true;
      const err = new Error((body && body.message) || ("HTTP " + r.status));
      err.status = r.status;
      throw err;
    }
    return { status: r.status, body: body };
  }

  /** Errors and status messages float over the page: they never move the player or the code. */
  function showError(msg) { $("error-text").textContent = msg || ""; $("error").hidden = !msg; }
  let toastTimer = null;
  function showStatus(msg) {
    const t = $("status-toast");
    t.textContent = msg;
    t.hidden = !msg;
    clearTimeout(toastTimer);
    if (msg) toastTimer = setTimeout(() => { t.hidden = true; }, TOAST_MS);
  }

  function fmtTime(t) {
    t = Math.max(0, t || 0);
    const m = Math.floor(t / 60), s = t - m * 60;
    return m + ":" + (s < 10 ? "0" : "") + s.toFixed(1);
  }
  function fmtClock(t) {
    t = Math.max(0, Math.round(t || 0));
    const m = Math.floor(t / 60), s = t % 60;
    return m + ":" + (s < 10 ? "0" : "") + s;
  }

  // ------------------------------------------------------------------ jobs
  function setBar(pct, label) {
    const bar = $("job-bar");
    const next = Math.max(0, Math.min(100, pct || 0));
    bar.style.transition = next < parseFloat(bar.style.width || "0") ? "none" : ""; // a new stage starts at 0
    bar.style.width = next + "%";
    const pb = $("job-progress");
    pb.setAttribute("aria-valuenow", String(Math.round(next)));
    pb.setAttribute("aria-valuetext", label);
    $("job-label").textContent = label;
  }
  function hideJob() { $("job").hidden = true; } // data-state keeps the last state seen

  /** Seconds left from the rate measured over the last ETA_WINDOW_S of `samples` ([{t: s, done}]), or null. */
  function etaSeconds(samples, total) {
    if (!samples.length || !(total > 0)) return null;
    const last = samples[samples.length - 1];
    let first = samples[0];
    for (const s of samples) { if (last.t - s.t <= ETA_WINDOW_S) { first = s; break; } }
    const span = last.t - first.t, done = last.done - first.done;
    if (span < ETA_MIN_SPAN_S || done <= 0) return null;
    return Math.max(0, (total - last.done) / (done / span));
  }

  function jobLabel(job) {
    const stage = job.state === "queued" ? "queued" : (job.state === "done" ? "done" : (job.stage || job.state));
    const parts = [STAGE_LABELS[stage] || (stage.charAt(0).toUpperCase() + stage.slice(1))];
    const byFrames = job.frames_total > 0 && stage !== "done";
    if (byFrames) parts.push(job.frames_done + " / " + job.frames_total + " frames");
    else if (job.state === "running") parts.push(Math.round(job.percent) + "%");
    if (job.state === "running") {
      if (state.progressStage !== stage) { state.progressStage = stage; state.progress = []; }
      state.progress.push({ t: performance.now() / 1000, done: byFrames ? job.frames_done : job.percent });
      const eta = etaSeconds(state.progress, byFrames ? job.frames_total : 100);
      if (eta != null) parts.push("about " + fmtClock(eta) + " left");
    }
    return parts.join(" · ");
  }

  function startedJob(res, name) {
    const b = res.body;
    if (b.job_id) state.jobNames[b.job_id] = name;
    if (res.status === 200 && b.video_id) {
      hideJob();
      if (b.video_id === state.videoId) { showStatus("Already processed: this is the video that is open."); return; }
      showStatus("Already processed: opening it.");
      openVideo(b.video_id);
      return;
    }
    trackJob(b.job_id);
  }

  async function submitUrl(ev) {
    ev.preventDefault();
    showError("");
    const url = $("url-input").value.trim();
    if (!url) return;
    try {
      startedJob(await api("/api/v1/video/process", {
        method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ url: url }),
      }), url);
    } catch (e) { showError(e.message); }
  }

  function upload(file) {
    showError("");
    const form = new FormData();
    form.append("file", file, file.name);
    const xhr = new XMLHttpRequest();
    state.upload = xhr;
    xhr.open("POST", "/api/v1/video/upload");
    const k = apiKey();
    if (k) xhr.setRequestHeader("X-API-Key", k);
    $("job").hidden = false;
    $("job").dataset.state = "uploading";
    $("job-cancel").hidden = false;
    setBar(0, "Uploading " + file.name);
    xhr.upload.onprogress = (e) => {
      if (!e.lengthComputable) return;
      const pct = (100 * e.loaded) / e.total;
      setBar(pct, "Uploading " + file.name + " · " + pct.toFixed(0) + "%");
    };
    xhr.upload.onload = () => setBar(100, "Uploaded " + file.name + " · checking the video…");
    xhr.onload = () => {
      state.upload = null;
      let body = {};
      try { body = JSON.parse(xhr.responseText); } catch (e) { body = {}; }
      if (xhr.status >= 400) {
        hideJob();
        if (xhr.status === 401) $("key-box").open = true;
        showError(body.message || "upload failed");
        return;
      }
      startedJob({ status: xhr.status, body: body }, file.name);
    };
    xhr.onerror = () => { state.upload = null; hideJob(); showError("Upload failed: the connection was lost."); };
    xhr.onabort = () => { state.upload = null; hideJob(); showStatus("Upload cancelled."); };
    xhr.send(form);
    $("file-input").value = "";
  }

  async function trackJob(jobId) {
    state.jobId = jobId;
    state.progress = [];
    state.progressStage = null;
    $("job").hidden = false;
    $("job-cancel").hidden = false;
    $("job").dataset.state = "queued";
    setBar(0, STAGE_LABELS.queued);
    refreshVideos();
    while (state.jobId === jobId) {
      let job;
      try { job = (await api("/api/v1/jobs/" + jobId)).body; } catch (e) { showError(e.message); hideJob(); return; }
      if (state.jobId !== jobId) return;
      $("job").dataset.state = job.state;
      setBar(job.state === "done" ? 100 : job.percent, jobLabel(job));
      if (performance.now() - state.listAt > LIST_REFRESH_MS) refreshVideos();
      if (job.state === "done") {
        state.jobId = null;
        hideJob();
        refreshVideos();
        openVideo(job.video_id);
        return;
      }
      if (job.state === "failed") {
        state.jobId = null;
        hideJob();
        refreshVideos();
        showError("Processing failed: " + ((job.error && job.error.message) || "unknown error"));
        return;
      }
      if (job.state === "cancelled") {
        state.jobId = null;
        hideJob();
        refreshVideos();
        showStatus("Processing cancelled.");
        return;
      }
      await new Promise((r) => setTimeout(r, JOB_POLL_MS));
    }
  }

  async function cancelJob() {
    if (state.upload) { state.upload.abort(); return; }
    if (!state.jobId) return;
    $("job-cancel").hidden = true;
    try { await api("/api/v1/jobs/" + state.jobId, { method: "DELETE" }); } catch (e) { showError(e.message); }
  }

  // ------------------------------------------------------------------ video
  async function mediaUrl(id) {
    if (!apiKey()) return "/api/v1/video/" + id + "/media";
    return (await api("/api/v1/video/" + id + "/media-token")).body.media_url;
  }

  function showNotice(text) {
    $("notice").textContent = text;
    $("notice").hidden = !text;
  }

  function unloadVideo() {
    state.videoId = null;
    state.segments = [];
    const v = $("video");
    v.pause();
    v.removeAttribute("src");
    v.load();
    $("player").hidden = true;
    $("code-col").hidden = true;
    delete document.body.dataset.video;
    markCurrentInList();
  }

  /** Open a video by id: the URL hash is the source of truth, so a hash change in an open tab loads too. */
  function openVideo(id) {
    if (location.hash !== "#v=" + id) location.hash = "#v=" + id; // hashchange loads it
    else loadVideo(id);
  }

  async function loadVideo(id) {
    showError("");
    let info, segs;
    try {
      [info, segs] = await Promise.all([
        api("/api/v1/video/" + id + "/info"), api("/api/v1/video/" + id + "/segments"),
      ]);
    } catch (e) {
      if (e.status === 404 || e.status === 400) {
        unloadVideo();
        showNotice("There is no processed video with the id “" + id + "” on this server. " +
          "Pick one from “Your videos”, or paste a URL or upload a file to process it.");
        document.body.dataset.missing = id;
      } else showError(e.message);
      return;
    }
    delete document.body.dataset.missing;
    showNotice("");
    state.videoId = id;
    state.segments = segs.body.segments.slice().sort((a, b) => a.start - b.start);
    state.duration = info.body.duration || (state.segments.length ? state.segments[state.segments.length - 1].end : 0);
    $("video-title").textContent = info.body.video_title || id;
    $("player").hidden = false;
    $("code-col").hidden = false;
    const v = $("video");
    try { v.src = await mediaUrl(id); } catch (e) { showError(e.message); }
    renderTimeline();
    clearCode("Play the video: the code panel follows it. Pause to pin the code at that moment.");
    document.body.dataset.video = id;
    markCurrentInList();
  }

  function renderTimeline() {
    const tl = $("timeline");
    tl.querySelectorAll(".seg").forEach((n) => n.remove());
    const d = state.duration || 1;
    const present = new Set();
    state.segments.forEach((s, i) => {
      present.add(s.segment_type);
      const el = document.createElement("button");
      el.type = "button";
      el.className = "seg " + s.segment_type + ((s.confidence || 0) < UNCERTAIN_BELOW ? " uncertain" : "");
      el.style.left = (100 * s.start) / d + "%";
      el.style.width = Math.max(0.3, (100 * (s.end - s.start)) / d) + "%";
      const what = s.segment_type === "learning" ? (s.learning_topic || "learning") : (s.file_name || s.segment_type);
      el.title = fmtTime(s.start) + "–" + fmtTime(s.end) + " · " + what;
      el.setAttribute("aria-label", s.segment_type + " " + fmtTime(s.start) + " to " + fmtTime(s.end) + ", " + what);
      el.tabIndex = i === 0 ? 0 : -1; // one tab stop for the whole strip (roving tabindex)
      el.dataset.index = i;
      el.addEventListener("click", (ev) => {
        if (ev.detail !== 0) return; // a pointer click seeks where it lands (timelineTap); a key press to the start
        ev.stopPropagation();
        seekTo(s.start + Math.min(0.05, (s.end - s.start) / 2));
      });
      tl.appendChild(el);
    });
    const legend = $("legend");
    legend.innerHTML = "";
    ["code", "learning", "mixed"].filter((t) => present.has(t)).forEach((t) => {
      const span = document.createElement("span");
      span.innerHTML = '<i class="swatch ' + t + '"></i>' + t;
      legend.appendChild(span);
    });
  }

  function timelineKeys(ev) {
    const segs = Array.from($("timeline").querySelectorAll(".seg"));
    const i = segs.indexOf(document.activeElement);
    if (i < 0) return;
    let j = null;
    if (ev.key === "ArrowRight" || ev.key === "ArrowDown") j = Math.min(segs.length - 1, i + 1);
    else if (ev.key === "ArrowLeft" || ev.key === "ArrowUp") j = Math.max(0, i - 1);
    else if (ev.key === "Home") j = 0;
    else if (ev.key === "End") j = segs.length - 1;
    if (j === null) return;
    ev.preventDefault();
    ev.stopPropagation();
    focusSegment(segs, j);
  }
  function focusSegment(segs, j) {
    segs.forEach((s, k) => { s.tabIndex = k === j ? 0 : -1; });
    segs[j].focus();
  }

  /** A tap anywhere on the strip seeks there: thin segments need not be hit exactly on a phone. */
  function timelineTap(ev) {
    const r = $("timeline").getBoundingClientRect();
    if (!r.width || !state.duration) return;
    seekTo(Math.max(0, Math.min(1, (ev.clientX - r.left) / r.width)) * state.duration);
  }

  function seekTo(t) {
    const v = $("video");
    v.pause();
    v.currentTime = t;
    showCodeAt(t);
  }

  function movePlayhead() {
    const d = state.duration || $("video").duration || 1;
    $("playhead").style.left = Math.min(100, (100 * $("video").currentTime) / d) + "%";
  }

  // ------------------------------------------------------------------ follow mode
  /** Index of the segment shown at `t`: the one holding it, else the nearest within FOLLOW_TOLERANCE_S, else -1. */
  function segmentIndexAt(t) {
    const segs = state.segments;
    let lo = 0, hi = segs.length - 1, idx = -1;
    while (lo <= hi) { // last segment starting at or before t
      const mid = (lo + hi) >> 1;
      if (segs[mid].start <= t) { idx = mid; lo = mid + 1; } else hi = mid - 1;
    }
    if (idx >= 0 && t < segs[idx].end) return idx;
    let best = -1, gap = FOLLOW_TOLERANCE_S;
    [idx, idx + 1].forEach((k) => {
      if (k < 0 || k >= segs.length) return;
      const d = t < segs[k].start ? segs[k].start - t : t - segs[k].end;
      if (d <= gap) { best = k; gap = d; }
    });
    return best;
  }

  function answerFromSegment(s, t) {
    return {
      found: true, following: true, timestamp_requested: t, segment_type: s.segment_type,
      code_content: s.code_content, learning_topic: s.learning_topic, confidence: s.confidence,
      language: s.language, code_complete: s.code_complete, file_name: s.file_name,
      segment_start: s.start, segment_end: s.end,
    };
  }

  function onTimeUpdate() {
    movePlayhead();
    const v = $("video");
    if (v.paused || !state.videoId) return;
    if (!$("follow-toggle").checked) { markStale(true); return; }
    const now = performance.now();
    if (now - state.followAt < FOLLOW_INTERVAL_MS) return;
    state.followAt = now;
    const i = segmentIndexAt(v.currentTime);
    if (i === state.shownIndex && state.answer && state.answer.following) {
      $("code-meta-time").textContent = "Following " + fmtTime(v.currentTime);
      return;
    }
    state.seq++; // an answer still in flight for an earlier pause must not overwrite this
    state.shownIndex = i;
    if (i < 0) {
      state.answer = { found: false, following: true, timestamp_requested: v.currentTime, message: "Nothing recognised at this moment." };
    } else state.answer = answerFromSegment(state.segments[i], v.currentTime);
    render();
  }

  function markStale(stale) {
    const a = state.answer;
    const on = stale && a;
    $("code-panel").classList.toggle("stale", !!on);
    if (on && $("code-note").dataset.kind !== "stale") {
      setNote("Out of date: the video is playing, this is the code at " + fmtTime(a.timestamp_requested) +
        ". Pause, or turn Follow on, to update it.", "stale");
    }
    else if ($("code-note").dataset.kind === "stale") setNote("");
  }

  function setNote(text, kind) {
    const n = $("code-note");
    n.textContent = text || "";
    n.hidden = !text;
    n.dataset.kind = text ? kind || "" : "";
  }

  // ------------------------------------------------------------------ code panel
  function clearCode(msg) {
    state.answer = null;
    state.shownCode = "";
    state.shownIndex = -1;
    $("code-panel").hidden = true;
    $("learning-panel").hidden = true;
    $("code-message").textContent = msg || "";
    setMeta("", "");
    setNote("");
    $("confidence").hidden = true;
    $("copy-btn").disabled = $("download-btn").disabled = $("run-btn").disabled = true;
    hideRun();
  }

  async function showCodeAt(t) {
    if (!state.videoId) return;
    const seq = ++state.seq;
    let a;
    try {
      a = (await api("/api/v1/video/" + state.videoId + "/code?timestamp=" + t.toFixed(3) + "&tolerance=" + FOLLOW_TOLERANCE_S)).body;
    } catch (e) { showError(e.message); return; }
    if (seq !== state.seq) return; // a newer pause/seek won
    state.answer = a;
    state.shownIndex = -1;
    render();
  }

  function previousCode(a) {
    let prev = "";
    for (const s of state.segments) {
      if (s.start >= a.segment_start - 1e-6) break;
      if (s.code_content && s.code_content !== a.code_content) prev = s.code_content;
    }
    return prev;
  }

  /** The meta line is one line whatever its length (full text on hover): it never pushes the code down. */
  function setMeta(time, rest) {
    const m = $("code-meta");
    m.innerHTML = "";
    const tspan = document.createElement("strong");
    tspan.id = "code-meta-time";
    tspan.textContent = time;
    m.appendChild(tspan);
    m.appendChild(document.createTextNode(rest ? " · " + rest : ""));
    m.title = time + (rest ? " · " + rest : "");
  }

  function showConfidence(c) {
    const el = $("confidence");
    const low = c < UNCERTAIN_BELOW;
    el.textContent = (low ? "⚠ uncertain " : "confidence ") + c.toFixed(2);
    el.className = low ? "low" : "";
    el.title = low ? "The reading is uncertain (below " + UNCERTAIN_BELOW + "): check it against the video"
      : "How sure the recogniser is of this reading";
    el.hidden = false;
  }

  function render() {
    const a = state.answer;
    if (!a) return;
    const tag = (a.following ? "Following " : "Paused at ") + fmtTime(a.timestamp_requested);
    $("code-panel").classList.remove("stale");
    if ($("code-note").dataset.kind === "stale") setNote("");
    if (a.found && a.code_content) {
      const changed = state.shownCode !== a.code_content;
      state.shownCode = a.code_content;
      setMeta(tag, [a.language, a.file_name, fmtTime(a.segment_start) + "–" + fmtTime(a.segment_end)]
        .filter(Boolean).join(" · "));
      const conf = a.confidence || 0;
      showConfidence(conf);
      const low = conf < UNCERTAIN_BELOW;
      $("code-panel").classList.toggle("uncertain", low);
      if (low) setNote("Uncertain reading (confidence " + conf.toFixed(2) + "): check it against the video before you rely on it.", "uncertain");
      else if ($("code-note").dataset.kind === "uncertain") setNote("");
      const codeEl = $("code");
      if ($("diff-toggle").checked) {
        const diff = H.diffLines(previousCode(a), a.code_content);
        let n = 0;
        $("gutter").textContent = diff.map((d) => (d.op === "-" ? "" : String(++n))).join("\n");
        codeEl.innerHTML = H.diffHtml(previousCode(a), a.code_content, a.language);
        codeEl.className = "diff";
      } else {
        const count = a.code_content.replace(/\n$/, "").split("\n").length;
        $("gutter").textContent = Array.from({ length: count }, (_, k) => String(k + 1)).join("\n");
        codeEl.innerHTML = H.highlight(a.code_content, a.language);
        codeEl.className = "";
      }
      $("code-panel").hidden = false;
      $("learning-panel").hidden = true;
      $("code-message").textContent = "";
      $("copy-btn").disabled = $("download-btn").disabled = $("run-btn").disabled = false;
      if (changed) hideRun();
      return;
    }
    state.shownCode = "";
    $("code-panel").hidden = true;
    $("code-panel").classList.remove("uncertain");
    if ($("code-note").dataset.kind === "uncertain") setNote("");
    $("copy-btn").disabled = $("download-btn").disabled = $("run-btn").disabled = true;
    hideRun();
    if (a.found) {
      setMeta(tag, "learning · " + fmtTime(a.segment_start) + "–" + fmtTime(a.segment_end));
      showConfidence(a.confidence || 0);
      $("learning-topic").textContent = a.learning_topic || "No code on screen";
      $("learning-panel").hidden = false;
      $("code-message").textContent = "";
    } else {
      setMeta(tag, "");
      $("confidence").hidden = true;
      $("learning-panel").hidden = true;
      $("code-message").textContent = a.message || "Nothing recognised at this moment.";
    }
  }

  async function copyCode() {
    const text = state.shownCode;
    if (!text) return;
    let ok = false;
    try { await navigator.clipboard.writeText(text); ok = true; } catch (e) {
      const ta = document.createElement("textarea");
      ta.value = text;
      document.body.appendChild(ta);
      ta.select();
      try { ok = document.execCommand("copy"); } catch (e2) { ok = false; }
      ta.remove();
    }
    const b = $("copy-btn");
    b.textContent = ok ? "Copied!" : "Copy failed";
    setTimeout(() => { b.textContent = "Copy"; }, 1500);
  }

  function downloadCode() {
    const a = state.answer;
    if (!a || !state.shownCode) return;
    const name = a.file_name ||
      ("code_" + state.videoId + "_" + a.timestamp_requested.toFixed(1).replace(".", "_") + "." + H.extensionFor(a.language));
    const link = document.createElement("a");
    link.href = URL.createObjectURL(new Blob([state.shownCode], { type: "text/plain" }));
    link.download = name;
    document.body.appendChild(link);
    link.click();
    setTimeout(() => { URL.revokeObjectURL(link.href); link.remove(); }, 1000);
  }

  // ------------------------------------------------------------------ run it
  function hideRun() {
    $("run-box").hidden = true;
    $("run-output").textContent = "";
    $("run-output").hidden = true;
    $("run-note").textContent = "";
    delete $("run-box").dataset.status;
  }

  function runNote(text, status) {
    $("run-box").hidden = false;
    $("run-note").textContent = text;
    $("run-box").dataset.status = status;
  }

  async function runCode() {
    const a = state.answer;
    const code = state.shownCode;
    if (!a || !code) return;
    hideRun();
    const lang = (a.language || "").toLowerCase();
    if (lang && lang !== "python" && lang !== "py") {
      runNote("Run is for Python code: this is " + a.language + ".", "not-python");
      return;
    }
    if (!(await R.available())) {
      runNote("Run is unavailable: Pyodide not installed (run `make web-assets`).", "unavailable");
      return;
    }
    const out = $("run-output");
    runNote("Running… (the first run starts Python in the page, a few seconds)", "running");
    $("run-btn").disabled = true;
    const result = await R.run(code, (stream, text) => {
      out.hidden = false;
      const span = document.createElement("span");
      span.className = stream;
      span.textContent = text + "\n";
      out.appendChild(span);
    });
    $("run-btn").disabled = !state.shownCode;
    if (state.shownCode !== code) return; // the panel moved on while it ran
    const notes = {
      ok: "Finished.",
      error: "The program stopped with an error (see above).",
      timeout: "Stopped: the program ran longer than " + result.seconds + " s (the time limit).",
      "load-failed": "Run is unavailable: Python did not start in the page (" + result.message + ").",
      replaced: "",
    };
    if (result.status === "syntax") {
      runNote("Not complete yet: this code does not parse as Python (" + result.kind + " at line " + result.line +
        ": " + result.message + "). Pause where the code is finished, or edit it after copying.", "syntax");
    } else if (result.status !== "replaced") runNote(notes[result.status], result.status);
  }

  // ------------------------------------------------------------------ videos list
  function statusLabel(status) {
    return { complete: "ready", partial: "partial (truncated video)", processing: "processing", failed: "failed" }[status] || status;
  }

  function fmtDate(iso) {
    if (!iso) return "";
    const d = new Date(iso);
    return isNaN(d) ? "" : d.toLocaleString(undefined, { year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" });
  }

  function markCurrentInList() {
    document.querySelectorAll("#videos-list .video-item").forEach((b) => {
      if (b.dataset.videoId === state.videoId) b.setAttribute("aria-current", "true");
      else b.removeAttribute("aria-current");
    });
  }

  async function refreshVideos() {
    state.listAt = performance.now();
    let list, jobs;
    try {
      [list, jobs] = await Promise.all([
        api("/api/v1/videos?include_incomplete=true").then((r) => r.body.videos),
        api("/api/v1/jobs?limit=50").then((r) => r.body.jobs),
      ]);
    } catch (e) { showError(e.message); return; }
    const active = jobs.filter((j) => j.state === "queued" || j.state === "running");
    const activeIds = new Set(active.map((j) => j.video_id).filter(Boolean));
    const jl = $("jobs-list");
    jl.innerHTML = "";
    active.forEach((j) => {
      const li = document.createElement("li");
      li.className = "job-item";
      const name = state.jobNames[j.job_id] || (j.source ? j.source.split(/[\\/]/).pop() : "a video");
      li.textContent = "Processing: " + name + " · " + (STAGE_LABELS[j.state === "queued" ? "queued" : j.stage] || j.stage || j.state) +
        (j.state === "running" ? " " + Math.round(j.percent) + "%" : "");
      jl.appendChild(li);
    });
    const ul = $("videos-list");
    ul.innerHTML = "";
    list.filter((v) => !(v.status === "processing" && activeIds.has(v.video_id))).forEach((v) => {
      const li = document.createElement("li");
      li.className = "video-row";
      const b = document.createElement("button");
      b.type = "button";
      b.className = "video-item";
      b.dataset.videoId = v.video_id;
      const title = document.createElement("span");
      title.className = "video-name";
      title.textContent = v.video_title || v.video_id;
      const meta = document.createElement("span");
      meta.className = "video-meta";
      meta.textContent = [fmtClock(v.duration), v.total_segments + " segments", fmtDate(v.extraction_date)]
        .filter(Boolean).join(" · ");
      const badge = document.createElement("span");
      badge.className = "badge " + v.status;
      badge.textContent = statusLabel(v.status);
      meta.prepend(badge, " ");
      b.append(title, meta);
      b.disabled = !(v.status === "complete" || v.status === "partial");
      b.addEventListener("click", () => openVideo(v.video_id));
      const del = document.createElement("button");
      del.type = "button";
      del.className = "video-delete";
      del.textContent = "Delete";
      del.setAttribute("aria-label", "Delete " + (v.video_title || v.video_id));
      del.addEventListener("click", () => deleteVideo(v));
      li.append(b, del);
      ul.appendChild(li);
    });
    $("videos-empty").hidden = list.length > 0 || active.length > 0;
    markCurrentInList();
  }

  async function deleteVideo(v) {
    const name = v.video_title || v.video_id;
    if (!window.confirm("Delete “" + name + "”? Its code timeline, exports and stored media are removed from this server.")) return;
    try { await api("/api/v1/video/" + v.video_id, { method: "DELETE" }); } catch (e) { showError(e.message); return; }
    showStatus("Deleted “" + name + "”.");
    if (state.videoId === v.video_id) {
      unloadVideo();
      history.replaceState(null, "", location.pathname);
      showNotice("“" + name + "” was deleted. Pick another video, or paste a URL or upload a file.");
    }
    refreshVideos();
  }

  // ------------------------------------------------------------------ keyboard
  function typingTarget(el) {
    return el && (el.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName));
  }

  function shortcuts(ev) {
    if (ev.ctrlKey || ev.metaKey || ev.altKey || typingTarget(ev.target) || !state.videoId) return;
    const v = $("video");
    const onControl = ev.target === v || (ev.target && /^(BUTTON|SUMMARY|A)$/.test(ev.target.tagName));
    if (ev.key === " " && !onControl) {
      ev.preventDefault();
      if (v.paused) v.play().catch(() => {}); else v.pause();
    } else if ((ev.key === "ArrowLeft" || ev.key === "ArrowRight") && ev.target !== v) {
      ev.preventDefault();
      const t = Math.max(0, Math.min(v.duration || state.duration, v.currentTime + (ev.key === "ArrowLeft" ? -SEEK_STEP_S : SEEK_STEP_S)));
      v.currentTime = t;
      if (v.paused) showCodeAt(t);
    } else if (ev.key === "c" || ev.key === "C") {
      ev.preventDefault();
      copyCode();
    } else if (ev.key === "f" || ev.key === "F") {
      ev.preventDefault();
      $("follow-toggle").checked = !$("follow-toggle").checked;
      state.followAt = 0;
      onTimeUpdate();
    }
  }

  // ------------------------------------------------------------------ wiring
  function loadFromHash() {
    const m = /^#v=(.*)$/.exec(location.hash);
    if (!m) {
      unloadVideo();
      showNotice("Pick a video from “Your videos”, or paste a URL or upload a file to process one.");
      return;
    }
    let id = m[1];
    try { id = decodeURIComponent(id); } catch (e) { /* keep it as typed */ }
    if (id !== state.videoId) loadVideo(id);
  }

  function init() {
    const saved = localStorage.getItem("pausecode.apiKey");
    if (saved) $("api-key").value = saved;
    $("api-key").addEventListener("change", () => {
      localStorage.setItem("pausecode.apiKey", apiKey());
      refreshVideos();
      if (document.body.dataset.missing) loadFromHash();
    });
    $("url-form").addEventListener("submit", submitUrl);
    $("file-input").addEventListener("change", (e) => { if (e.target.files[0]) upload(e.target.files[0]); });
    $("job-cancel").addEventListener("click", cancelJob);
    $("error-close").addEventListener("click", () => showError(""));
    $("copy-btn").addEventListener("click", copyCode);
    $("download-btn").addEventListener("click", downloadCode);
    $("run-btn").addEventListener("click", runCode);
    $("diff-toggle").addEventListener("change", render);
    $("follow-toggle").addEventListener("change", () => { state.followAt = 0; onTimeUpdate(); });
    $("timeline").addEventListener("keydown", timelineKeys);
    $("timeline").addEventListener("click", timelineTap);
    document.addEventListener("keydown", shortcuts);
    const v = $("video");
    v.addEventListener("pause", () => showCodeAt(v.currentTime));
    v.addEventListener("seeked", () => { if (v.paused) showCodeAt(v.currentTime); });
    v.addEventListener("timeupdate", onTimeUpdate);
    v.addEventListener("play", () => { state.followAt = 0; onTimeUpdate(); });
    v.addEventListener("loadedmetadata", () => { if (!state.duration) { state.duration = v.duration; renderTimeline(); } });
    window.addEventListener("hashchange", loadFromHash);
    refreshVideos();
    loadFromHash();
    document.body.dataset.ready = "1";
  }
  window.PausePlayer = {
    state: state, loadVideo: loadVideo, showCodeAt: showCodeAt, seekTo: seekTo, etaSeconds: etaSeconds,
    segmentIndexAt: segmentIndexAt, UNCERTAIN_BELOW: UNCERTAIN_BELOW,
  };
  init();
})();
