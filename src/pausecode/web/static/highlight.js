/* pausecode: a tiny syntax highlighter and a line diff. No dependencies, no build step. */
(function (global) {
  "use strict";

  const KW = {
    python: "False None True and as assert async await break class continue def del elif else except finally for from global if import in is lambda match case nonlocal not or pass raise return try while with yield",
    javascript: "async await break case catch class const continue debugger default delete do else export extends false finally for function if import in instanceof let new null of return static super switch this throw true try typeof undefined var void while with yield",
    java: "abstract boolean break byte case catch char class continue default do double else enum extends false final finally float for if implements import instanceof int interface long new null package private protected public return short static super switch this throw throws true try void volatile while var record",
    c: "auto bool break case char const continue default do double else enum extern false float for goto if inline int long NULL nullptr register return short signed sizeof static struct switch true typedef union unsigned void volatile while class namespace template typename public private protected virtual override new delete using std include define",
    generic: "if else for while return function def class import from const let var true false null None True False",
  };
  const BUILTINS = {
    python: "print len range str int float list dict set tuple open enumerate zip map filter sorted sum min max abs isinstance super self input type",
    javascript: "console document window Math JSON Array Object String Number Promise require module",
  };
  const ALIASES = { py: "python", python3: "python", js: "javascript", ts: "javascript", typescript: "javascript",
    jsx: "javascript", "c++": "c", cpp: "c", "c#": "java", csharp: "java", kotlin: "java" };

  function words(s) { const set = new Set(); (s || "").split(/\s+/).forEach((w) => w && set.add(w)); return set; }
  const CACHE = {};
  function spec(lang) {
    let l = (lang || "").toLowerCase();
    l = ALIASES[l] || l;
    if (!KW[l]) l = "generic";
    if (!CACHE[l]) {
      const hash = l === "python" || l === "generic";
      const slash = l !== "python";
      const parts = [];
      if (hash) parts.push("(?<com>#[^\\n]*)");
      if (slash) parts.push("(?<com2>//[^\\n]*|/\\*[\\s\\S]*?\\*/)");
      parts.push("(?<str>\"\"\"[\\s\\S]*?\"\"\"|'''[\\s\\S]*?'''|\"(?:\\\\.|[^\"\\\\\\n])*\"?|'(?:\\\\.|[^'\\\\\\n])*'?|`(?:\\\\.|[^`\\\\])*`?)");
      parts.push("(?<dec>@[A-Za-z_][\\w.]*)");
      parts.push("(?<num>\\b(?:0[xX][0-9a-fA-F]+|\\d[\\d_]*(?:\\.\\d+)?(?:[eE][+-]?\\d+)?)\\b)");
      parts.push("(?<id>[A-Za-z_$][\\w$]*)");
      CACHE[l] = { re: new RegExp(parts.join("|"), "g"), kw: words(KW[l]), bi: words(BUILTINS[l]) };
    }
    return CACHE[l];
  }

  function escapeHtml(s) {
    return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
  }

  function span(cls, text) { return '<span class="tok-' + cls + '">' + escapeHtml(text) + "</span>"; }

  /** HTML for `code`, tokens wrapped in <span class="tok-..."> (kw, str, com, num, fn, bi, dec). */
  function highlight(code, lang) {
    const s = spec(lang);
    const re = new RegExp(s.re.source, "g");
    let out = "";
    let last = 0;
    let m;
    while ((m = re.exec(code)) !== null) {
      if (m[0] === "") { re.lastIndex++; continue; }
      out += escapeHtml(code.slice(last, m.index));
      const g = m.groups;
      if (g.com !== undefined || g.com2 !== undefined) out += span("com", m[0]);
      else if (g.str !== undefined) out += span("str", m[0]);
      else if (g.dec !== undefined) out += span("dec", m[0]);
      else if (g.num !== undefined) out += span("num", m[0]);
      else if (s.kw.has(m[0])) out += span("kw", m[0]);
      else if (s.bi.has(m[0])) out += span("bi", m[0]);
      else if (/^\s*\(/.test(code.slice(re.lastIndex, re.lastIndex + 8))) out += span("fn", m[0]);
      else out += escapeHtml(m[0]);
      last = re.lastIndex;
    }
    return out + escapeHtml(code.slice(last));
  }

  /** Line diff (LCS): [{op: " " | "+" | "-", text}] turning `before` into `after`. */
  function diffLines(before, after) {
    const a = (before || "").replace(/\n$/, "").split("\n");
    const b = (after || "").replace(/\n$/, "").split("\n");
    if (!before) return b.map((t) => ({ op: "+", text: t }));
    const n = a.length, m = b.length;
    if (n * m > 4e6) return a.map((t) => ({ op: "-", text: t })).concat(b.map((t) => ({ op: "+", text: t })));
    const L = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
    for (let i = n - 1; i >= 0; i--)
      for (let j = m - 1; j >= 0; j--)
        L[i][j] = a[i] === b[j] ? L[i + 1][j + 1] + 1 : Math.max(L[i + 1][j], L[i][j + 1]);
    const out = [];
    let i = 0, j = 0;
    while (i < n && j < m) {
      if (a[i] === b[j]) { out.push({ op: " ", text: a[i] }); i++; j++; }
      else if (L[i + 1][j] >= L[i][j + 1]) out.push({ op: "-", text: a[i++] });
      else out.push({ op: "+", text: b[j++] });
    }
    while (i < n) out.push({ op: "-", text: a[i++] });
    while (j < m) out.push({ op: "+", text: b[j++] });
    return out;
  }

  function diffHtml(before, after, lang) {
    return diffLines(before, after).map((d) => {
      const cls = d.op === "+" ? "add" : d.op === "-" ? "del" : "same";
      return '<span class="line ' + cls + '"><span class="gut">' + (d.op === " " ? "&nbsp;" : d.op) +
        "</span>" + (highlight(d.text, lang) || "&#8203;") + "</span>";
    }).join("");
  }

  const EXT = { python: "py", javascript: "js", typescript: "ts", java: "java", c: "c", "c++": "cpp", cpp: "cpp",
    go: "go", rust: "rs", ruby: "rb", php: "php", html: "html", css: "css", bash: "sh", shell: "sh", sql: "sql" };
  function extensionFor(lang) { return EXT[(lang || "").toLowerCase()] || "txt"; }

  global.PauseHighlight = { highlight, diffLines, diffHtml, escapeHtml, extensionFor };
})(window);
