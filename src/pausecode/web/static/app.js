/* pausecode web player: process or upload a video, follow the job, pause to get the code. */
(function () {
  "use strict";
  const H = window.PauseHighlight;
  const $ = (id) => document.getElementById(id);
  const state = { videoId: null, duration: 0, segments: [], answer: null, jobId: null, seq: 0, shownCode: "" };

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
  function showError(msg) { const e = $("error"); e.textContent = msg; e.hidden = !msg; }

  function fmtTime(t) {
    t = Math.max(0, t || 0);
    const m = Math.floor(t / 60), s = t - m * 60;
    return m + ":" + (s < 10 ? "0" : "") + s.toFixed(1);
  }

  // ------------------------------------------------------------------ jobs
  function startedJob(res) {
    const b = res.body;
    if (res.status === 200 && b.video_id) { loadVideo(b.video_id); return; }
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
      }));
    } catch (e) { showError(e.message); }
  }

  function upload(file) {
    showError("");
    const form = new FormData();
    form.append("file", file, file.name);
    const xhr = new XMLHttpRequest();
    xhr.open("POST", "/api/v1/video/upload");
    const k = apiKey();
    if (k) xhr.setRequestHeader("X-API-Key", k);
    $("job").hidden = false;
    $("job-cancel").hidden = true;
    xhr.upload.onprogress = (e) => {
      if (!e.lengthComputable) return;
      const pct = (100 * e.loaded) / e.total;
      setBar(pct, "Uploading " + file.name + " · " + pct.toFixed(0) + "%");
    };
    xhr.onload = () => {
      let body = {};
      try { body = JSON.parse(xhr.responseText); } catch (e) { body = {}; }
      if (xhr.status >= 400) { $("job").hidden = true; showError(body.message || "upload failed"); return; }
      startedJob({ status: xhr.status, body: body });
    };
    xhr.onerror = () => { $("job").hidden = true; showError("upload failed: connection lost"); };
    xhr.send(form);
  }

  function setBar(pct, label) {
    const bar = $("job-bar");
    const next = Math.max(0, Math.min(100, pct));
    bar.style.transition = next < parseFloat(bar.style.width || "0") ? "none" : ""; // a new stage starts at 0
    bar.style.width = next + "%";
    $("job-label").textContent = label;
  }

  async function trackJob(jobId) {
    state.jobId = jobId;
    $("job").hidden = false;
    $("job-cancel").hidden = false;
    $("job").dataset.state = "queued";
    while (state.jobId === jobId) {
      let job;
      try { job = (await api("/api/v1/jobs/" + jobId)).body; } catch (e) { showError(e.message); return; }
      $("job").dataset.state = job.state;
      let label = job.state;
      if (job.stage) label += " · " + job.stage;
      if (job.frames_total) label += " · " + job.frames_done + "/" + job.frames_total + " frames";
      if (job.eta_seconds != null) label += " · about " + Math.ceil(job.eta_seconds) + " s left";
      setBar(job.state === "done" ? 100 : job.percent, label);
      if (job.state === "done") { $("job-cancel").hidden = true; loadVideo(job.video_id); return; }
      if (job.state === "failed") {
        $("job-cancel").hidden = true;
        showError("Processing failed: " + ((job.error && job.error.message) || "unknown error"));
        return;
      }
      if (job.state === "cancelled") { $("job-cancel").hidden = true; setBar(0, "cancelled"); return; }
      await new Promise((r) => setTimeout(r, 500));
    }
  }

  async function cancelJob() {
    if (!state.jobId) return;
    try { await api("/api/v1/jobs/" + state.jobId, { method: "DELETE" }); } catch (e) { showError(e.message); }
  }

  // ------------------------------------------------------------------ video
  async function mediaUrl(id) {
    if (!apiKey()) return "/api/v1/video/" + id + "/media";
    return (await api("/api/v1/video/" + id + "/media-token")).body.media_url;
  }

  async function loadVideo(id) {
    showError("");
    try {
      const [info, segs] = await Promise.all([
        api("/api/v1/video/" + id + "/info"), api("/api/v1/video/" + id + "/segments"),
      ]);
      state.videoId = id;
      state.segments = segs.body.segments;
      state.duration = info.body.duration || (state.segments.length ? state.segments[state.segments.length - 1].end : 0);
      $("video-title").textContent = info.body.video_title || id;
      $("main").hidden = false;
      $("videos-panel").hidden = true;
      if (state.jobId && $("job").dataset.state === "done") $("job").hidden = true;
      const v = $("video");
      v.src = await mediaUrl(id);
      renderTimeline();
      clearCode("Pause the video to see the code on screen.");
      if (location.hash !== "#v=" + id) history.replaceState(null, "", "#v=" + id);
      document.body.dataset.video = id;
    } catch (e) { showError(e.message); }
  }

  function renderTimeline() {
    const tl = $("timeline");
    tl.querySelectorAll(".seg").forEach((n) => n.remove());
    const d = state.duration || 1;
    state.segments.forEach((s, i) => {
      const el = document.createElement("button");
      el.type = "button";
      el.className = "seg " + s.segment_type;
      el.style.left = (100 * s.start) / d + "%";
      el.style.width = Math.max(0.3, (100 * (s.end - s.start)) / d) + "%";
      el.title = fmtTime(s.start) + "–" + fmtTime(s.end) + " · " +
        (s.segment_type === "learning" ? (s.learning_topic || "learning") : (s.file_name || s.segment_type));
      el.dataset.index = i;
      el.addEventListener("click", () => seekTo(s.start + Math.min(0.05, (s.end - s.start) / 2)));
      tl.appendChild(el);
    });
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

  // ------------------------------------------------------------------ code panel
  function clearCode(msg) {
    state.answer = null;
    state.shownCode = "";
    $("code-panel").hidden = true;
    $("learning-panel").hidden = true;
    $("code-message").textContent = msg || "";
    $("code-meta").textContent = "";
    $("copy-btn").disabled = $("download-btn").disabled = true;
  }

  async function showCodeAt(t) {
    if (!state.videoId) return;
    const seq = ++state.seq;
    let a;
    try {
      a = (await api("/api/v1/video/" + state.videoId + "/code?timestamp=" + t.toFixed(3) + "&tolerance=1")).body;
    } catch (e) { showError(e.message); return; }
    if (seq !== state.seq) return; // a newer pause/seek won
    state.answer = a;
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

  function render() {
    const a = state.answer;
    if (!a) return;
    const tag = fmtTime(a.timestamp_requested);
    if (a.found && a.code_content) {
      state.shownCode = a.code_content;
      const meta = [a.segment_type, a.language, a.file_name, fmtTime(a.segment_start) + "–" + fmtTime(a.segment_end),
        "confidence " + (a.confidence || 0).toFixed(2)].filter(Boolean);
      $("code-meta").textContent = "At " + tag + " · " + meta.join(" · ");
      const codeEl = $("code");
      if ($("diff-toggle").checked) {
        codeEl.innerHTML = H.diffHtml(previousCode(a), a.code_content, a.language);
        codeEl.className = "diff";
      } else {
        codeEl.innerHTML = H.highlight(a.code_content, a.language);
        codeEl.className = "";
      }
      $("code-panel").hidden = false;
      $("learning-panel").hidden = true;
      $("code-message").textContent = "";
      $("copy-btn").disabled = $("download-btn").disabled = false;
      return;
    }
    state.shownCode = "";
    $("code-panel").hidden = true;
    $("copy-btn").disabled = $("download-btn").disabled = true;
    if (a.found) {
      $("code-meta").textContent = "At " + tag + " · learning · " + fmtTime(a.segment_start) + "–" + fmtTime(a.segment_end);
      $("learning-topic").textContent = a.learning_topic || "No code on screen";
      $("learning-panel").hidden = false;
      $("code-message").textContent = "";
    } else {
      $("code-meta").textContent = "At " + tag;
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

  // ------------------------------------------------------------------ videos list
  async function showVideos() {
    const panel = $("videos-panel");
    if (!panel.hidden) { panel.hidden = true; return; }
    try {
      const list = (await api("/api/v1/videos")).body.videos;
      const ul = $("videos-list");
      ul.innerHTML = "";
      list.forEach((v) => {
        const li = document.createElement("li");
        const b = document.createElement("button");
        b.type = "button";
        b.className = "video-item";
        b.dataset.videoId = v.video_id;
        b.textContent = (v.video_title || v.video_id) + " · " + fmtTime(v.duration) + " · " + v.total_segments + " segments";
        b.addEventListener("click", () => loadVideo(v.video_id));
        li.appendChild(b);
        ul.appendChild(li);
      });
      $("videos-empty").hidden = list.length > 0;
      panel.hidden = false;
    } catch (e) { showError(e.message); }
  }

  // ------------------------------------------------------------------ wiring
  function init() {
    const saved = localStorage.getItem("pausecode.apiKey");
    if (saved) $("api-key").value = saved;
    $("api-key").addEventListener("change", () => localStorage.setItem("pausecode.apiKey", apiKey()));
    $("url-form").addEventListener("submit", submitUrl);
    $("file-input").addEventListener("change", (e) => { if (e.target.files[0]) upload(e.target.files[0]); });
    $("job-cancel").addEventListener("click", cancelJob);
    $("videos-btn").addEventListener("click", showVideos);
    $("copy-btn").addEventListener("click", copyCode);
    $("download-btn").addEventListener("click", downloadCode);
    $("diff-toggle").addEventListener("change", render);
    const v = $("video");
    v.addEventListener("pause", () => showCodeAt(v.currentTime));
    v.addEventListener("seeked", () => { if (v.paused) showCodeAt(v.currentTime); });
    v.addEventListener("timeupdate", movePlayhead);
    v.addEventListener("loadedmetadata", () => { if (!state.duration) { state.duration = v.duration; renderTimeline(); } });
    const m = /#v=([A-Za-z0-9_-]{1,64})/.exec(location.hash);
    if (m) loadVideo(m[1]); else showVideos();
    document.body.dataset.ready = "1";
  }
  window.PausePlayer = { state: state, loadVideo: loadVideo, showCodeAt: showCodeAt, seekTo: seekTo };
  init();
})();
