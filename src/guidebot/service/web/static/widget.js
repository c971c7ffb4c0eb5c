/*! guidebot chat widget: plain JavaScript, no build step, no dependencies.
 *
 * Embed with one tag:
 *   <script src="https://HOST/widget.js" defer></script>
 *
 * Optional data- attributes on that script tag:
 *   data-api-base      API origin (default: the origin widget.js was loaded from)
 *   data-title         panel title (default: from GET /api/config, else "Guidebot")
 *   data-greeting      greeting text (default: from GET /api/config)
 *   data-accent        CSS colour for buttons and user bubbles (default #1d4ed8)
 *   data-open          "true" opens the panel on page load
 *   data-position      "right" or "left" (default: right, or left on a right-to-left page)
 *   data-timeout       request timeout in milliseconds (default 15000)
 *   data-mode          "page" renders a full-page chat (no launcher, always open)
 *   data-target        page mode only: CSS selector of the element to fill
 *   data-launcher      "none": no button; the page opens the chat with Guidebot.open()
 *   data-theme         "light" (default), "dark", or "auto" (follows prefers-color-scheme)
 *   data-lang          language of the widget's own texts (default: the page's lang); see STRINGS
 *   data-answer-lang   language of the answers, i.e. of the corpus (default "en")
 *   data-contact-url   link shown when the bot does not answer (default: the server's GUIDEBOT_CONTACT_URL)
 *   data-contact-label its text (default "Ask admissions", translated)
 *   data-persist       "local" keeps the conversation across tabs (default: this tab only)
 *   data-persist-hours how long a kept conversation lives (default 24)
 *
 * Everything lives inside one shadow root attached to a <guidebot-widget>
 * element; the only global is window.Guidebot. Text from users and from the
 * server is always inserted with textContent / createTextNode.
 */
(function () {
  "use strict";

  var VERSION = "2.0.0";
  var HOST_TAG = "guidebot-widget";
  var STORAGE_PREFIX = "guidebot:v1:";
  var OPEN_PREFIX = "guidebot-open:v1:"; // whether the panel is open: always per tab
  // The server's request limits, greeting and starter questions come from GET /api/config; the
  // values below are used until it answers, and if it fails. They equal the server's defaults
  // (guidebot.settings.Settings; a test keeps them in step).
  var DEFAULT_LIMITS = { maxMessage: 2000, maxHistory: 50, maxTurn: 4000 };
  var MAX_STORED_MESSAGES = 100;
  var DEFAULT_ACCENT = "#1d4ed8"; // 6.7:1 against white, both ways round
  var DEFAULT_TITLE = "Guidebot";
  var DEFAULT_GREETING = "Hi! Ask me a question; every answer cites its source.";
  var FALLBACK_STARTERS = [
    "What are the admission requirements?",
    "How much does tuition cost?",
    "Can international students work after graduating?"
  ];
  var SMALL_SCREEN = "(max-width: 479.98px)";
  var UNDO_MS = 10000;

  // The widget's own texts. Answers stay in the corpus's language (data-answer-lang). To add a
  // language, add a table with the same keys; a missing key falls back to English.
  var STRINGS = {
    en: {
      dir: "ltr", open: "Open chat: {title}", close: "Close chat: {title}", closeChat: "Close chat", unread: "new answer",
      chat: "{title} chat", conversation: "Conversation", newChat: "New conversation",
      confirm: "Start a new conversation? This clears the messages.", startOver: "Start over", cancel: "Cancel",
      cleared: "Conversation cleared.", undo: "Undo", placeholder: "Ask a question…", input: "Your question",
      send: "Send message", hint: "Press Enter to send, Shift+Enter for a new line.", looking: "Looking that up…",
      you: "You said:", said: "{title} said:", source: "source {n}", sources: "Sources", details: "Source details",
      closeDetails: "Close source details", openSource: "Open source", inContext: "Read it in context",
      starters: "Suggested questions", followUps: "Suggested follow-up questions", ask: "Ask: {q}",
      actions: "Answer actions", copy: "Copy answer", copied: "Copied", contact: "Ask admissions",
      retry: "Retry", retryLabel: "Retry sending your question", unanswered: "The last question didn't get an answer.",
      foot: "Answers come from a curated guide and program notes. Always confirm details with the university.",
      counter: "{n} / {max}", tooLong: "{n} characters too long: please shorten your question.",
      timeout: "The server took too long to answer. Please try again.",
      network: "Can't reach the chat server. Check your connection and try again.",
      format: "The server sent an unexpected reply. Please try again.",
      rejected: "The server couldn't accept that question{detail}", busy: "Too many questions at once. Please wait a moment and try again.",
      http: "The server had a problem (HTTP {status}){detail} Please try again.", other: "Something went wrong. Please try again."
    },
    ar: {
      dir: "rtl", open: "فتح المحادثة: {title}", close: "إغلاق المحادثة: {title}", closeChat: "إغلاق المحادثة",
      unread: "إجابة جديدة", chat: "محادثة {title}", conversation: "المحادثة", newChat: "محادثة جديدة",
      confirm: "هل تريد بدء محادثة جديدة؟ سيتم مسح الرسائل.", startOver: "ابدأ من جديد", cancel: "إلغاء",
      cleared: "تم مسح المحادثة.", undo: "تراجع", placeholder: "اطرح سؤالك…", input: "سؤالك", send: "إرسال الرسالة",
      hint: "اضغط Enter للإرسال، وShift+Enter لسطر جديد.", looking: "جارٍ البحث…", you: "قلتَ:", said: "قال {title}:",
      source: "المصدر {n}", sources: "المصادر", details: "تفاصيل المصدر", closeDetails: "إغلاق تفاصيل المصدر",
      openSource: "فتح المصدر", inContext: "اقرأه في سياقه", starters: "أسئلة مقترحة", followUps: "أسئلة متابعة مقترحة",
      ask: "اسأل: {q}", actions: "إجراءات الإجابة", copy: "نسخ الإجابة", copied: "تم النسخ", contact: "اسأل مكتب القبول",
      retry: "إعادة المحاولة", retryLabel: "إعادة المحاولة لإرسال سؤالك", unanswered: "لم يحصل السؤال الأخير على إجابة.",
      foot: "الإجابات مأخوذة من دليل وملاحظات عن البرامج. تأكّد دائماً من التفاصيل لدى الجامعة.",
      counter: "{n} / {max}", tooLong: "السؤال أطول من المسموح بـ {n} حرفاً: يرجى اختصاره.",
      timeout: "استغرق الخادم وقتاً طويلاً للرد. يرجى المحاولة مرة أخرى.",
      network: "تعذّر الوصول إلى خادم المحادثة. تحقّق من اتصالك وحاول مرة أخرى.",
      format: "أرسل الخادم رداً غير متوقع. يرجى المحاولة مرة أخرى.", rejected: "لم يتمكن الخادم من قبول هذا السؤال{detail}",
      busy: "أسئلة كثيرة في وقت واحد. يرجى الانتظار قليلاً ثم المحاولة مرة أخرى.",
      http: "حدثت مشكلة في الخادم (HTTP {status}){detail} يرجى المحاولة مرة أخرى.", other: "حدث خطأ ما. يرجى المحاولة مرة أخرى."
    }
  };

  // document.currentScript is only set while this file is first evaluated.
  var currentScript = document.currentScript || (function () {
    var all = document.querySelectorAll('script[src*="widget.js"]');
    return all.length ? all[all.length - 1] : null;
  })();

  if (window.Guidebot && window.Guidebot.__mounted) {
    if (window.console) console.warn("guidebot: widget.js loaded twice; keeping the first widget.");
    return;
  }

  // ---------------------------------------------------------------- options

  function pickLang(tag) {
    tag = String(tag || "").toLowerCase();
    if (STRINGS[tag]) return tag;
    tag = tag.split("-")[0];
    return STRINGS[tag] ? tag : "en";
  }

  function readOptions(script) {
    var ds = (script && script.dataset) || {};
    var scriptOrigin = window.location.origin;
    try {
      if (script && script.src) scriptOrigin = new URL(script.src, window.location.href).origin;
    } catch (e) { /* keep page origin */ }
    var apiBase = scriptOrigin;
    if (ds.apiBase && ds.apiBase.trim()) {
      try { apiBase = new URL(ds.apiBase.trim(), window.location.href).href; } catch (e) { apiBase = ds.apiBase.trim(); }
    }
    apiBase = String(apiBase).replace(/\/+$/, "");
    var timeout = parseInt(ds.timeout, 10);
    if (!isFinite(timeout) || timeout <= 0) timeout = 15000;
    var accent = (ds.accent || "").trim();
    if (!accent || !(window.CSS && CSS.supports && CSS.supports("color", accent))) accent = DEFAULT_ACCENT;
    var lang = pickLang(ds.lang || document.documentElement.lang);
    var rtl = STRINGS[lang].dir === "rtl";
    var hours = parseFloat(ds.persistHours);
    return {
      apiBase: apiBase,
      title: text(ds.title),
      greeting: text(ds.greeting),
      accent: accent,
      open: ds.open === "true" || ds.open === "",
      position: ds.position === "left" || ds.position === "right" ? ds.position : (rtl ? "left" : "right"),
      timeout: Math.max(500, timeout),
      mode: ds.mode === "page" ? "page" : "widget",
      target: ds.target || null,
      launcher: ds.launcher !== "none",
      theme: /^(auto|dark|light)$/.test(ds.theme || "") ? ds.theme : "light",
      lang: lang,
      answerLang: text(ds.answerLang) || "en",
      contactUrl: safeUrl(ds.contactUrl, true),
      contactLabel: text(ds.contactLabel),
      persist: ds.persist === "local" ? "local" : "session",
      ttl: (hours > 0 ? hours : 24) * 3600000
    };
  }

  // ---------------------------------------------------------------- helpers

  function text(v) { return typeof v === "string" && v.trim() ? v.trim() : null; }
  function str(v) { return typeof v === "string" ? v : v === null || v === undefined ? "" : String(v); }
  function fill(s, vars) { return s.replace(/\{(\w+)\}/g, function (m, k) { return vars && k in vars ? vars[k] : m; }); }

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    for (var k in attrs || {}) {
      var v = attrs[k];
      if (v === null || v === undefined || v === false) continue;
      if (k === "className") node.className = v;
      else if (k === "text") node.textContent = v;
      else if (k === "hidden") node.hidden = true;
      else node.setAttribute(k, v === true ? "" : String(v));
    }
    for (var i = 0; children && i < children.length; i++) {
      var c = children[i];
      if (c !== null && c !== undefined) node.appendChild(typeof c === "string" ? document.createTextNode(c) : c);
    }
    return node;
  }

  var SVG_NS = "http://www.w3.org/2000/svg";
  function icon(paths, size) {
    var svg = document.createElementNS(SVG_NS, "svg");
    var attrs = { viewBox: "0 0 24 24", width: size, height: size, "aria-hidden": "true", focusable: "false",
      fill: "none", stroke: "currentColor", "stroke-width": "2", "stroke-linecap": "round", "stroke-linejoin": "round" };
    for (var k in attrs) svg.setAttribute(k, String(attrs[k]));
    for (var i = 0; i < paths.length; i++) {
      var p = document.createElementNS(SVG_NS, "path");
      p.setAttribute("d", paths[i]);
      svg.appendChild(p);
    }
    return svg;
  }
  var ICON_CHAT = ["M21 12a8 8 0 0 1-11.6 7.1L4 20.5l1.4-4.9A8 8 0 1 1 21 12z"];
  var ICON_CLOSE = ["M6 6l12 12", "M18 6L6 18"];
  var ICON_SEND = ["M4 12l16-8-6 16-2.5-6.5L4 12z"];
  var ICON_NEW = ["M12 20h9", "M16.5 3.5a2.1 2.1 0 0 1 3 3L7 19l-4 1 1-4z"];
  var ICON_COPY = ["M9 9h11v11H9z", "M5 15H4V4h11v1"];

  // An absolute http(s) URL (or mailto: when allowed), else null. Relative paths (the server's
  // /sources pages) are resolved against `base`.
  function safeUrl(u, mailto, base) {
    if (typeof u !== "string" || !u) return null;
    try {
      var parsed = base ? new URL(u, base + "/") : new URL(u);
      var ok = parsed.protocol === "http:" || parsed.protocol === "https:" || (mailto && parsed.protocol === "mailto:");
      return ok ? parsed.href : null;
    } catch (e) {
      return null;
    }
  }

  function link(href, label, className) {
    return el("a", { className: "gb-link" + (className ? " " + className : ""), href: href, target: "_blank",
      rel: "noopener noreferrer", text: label });
  }

  // Append text, turning bare http(s) URLs into links (built with createElement, never HTML).
  var URL_RE = /https?:\/\/[^\s<>"'\]\[()]+/g;
  function appendLinkified(parent, s) {
    var last = 0, m;
    URL_RE.lastIndex = 0;
    while ((m = URL_RE.exec(s)) !== null) {
      var raw = m[0].replace(/[.,;:!?]+$/, "");
      var href = safeUrl(raw);
      if (!href) continue;
      if (m.index > last) parent.appendChild(document.createTextNode(s.slice(last, m.index)));
      parent.appendChild(link(href, raw));
      last = m.index + raw.length;
      URL_RE.lastIndex = last;
    }
    if (last < s.length) parent.appendChild(document.createTextNode(s.slice(last)));
  }

  function list(v, max) { return Array.isArray(v) ? v.slice(0, max) : []; }
  function ids(v) {
    return list(v, 20).map(function (n) { return parseInt(n, 10); }).filter(function (n) { return isFinite(n); });
  }

  function normaliseCitations(raw) {
    var out = [];
    list(raw, 50).forEach(function (c) {
      var id = c && typeof c === "object" ? parseInt(c.id, 10) : NaN;
      if (!isFinite(id)) return;
      out.push({ id: id, title: str(c.title) || str(c.doc_id) || "Source " + id, section: str(c.section),
        url: str(c.url), link: str(c.link), page: str(c.page), quote: str(c.quote) });
    });
    return out;
  }

  function normaliseBlocks(raw) {
    var out = [];
    list(raw, 50).forEach(function (b) {
      if (!b || (b.type !== "paragraph" && b.type !== "list")) return;
      var items = list(b.type === "list" ? b.items : b.sentences || b.items, 100).filter(function (s) {
        return s && typeof s.text === "string";
      }).map(function (s) { return { text: s.text, citations: ids(s.citations) }; });
      if (items.length) out.push({ type: b.type, items: items });
    });
    return out;
  }

  function normaliseSources(raw) {
    return list(raw, 50).filter(function (s) { return s && typeof s === "object"; }).map(function (s) {
      return { title: str(s.title) || str(s.doc_id), section: str(s.section), link: str(s.link) || str(s.page),
        citations: ids(s.citations) };
    });
  }

  function squash(s) { return str(s).toLowerCase().replace(/[^\p{L}\p{N}]+/gu, " ").trim(); }

  function normaliseSuggestions(raw, maxChars, except) {
    var seen = {};
    if (except) seen[squash(except)] = true;
    var out = [];
    list(raw, 10).forEach(function (v) {
      var s = str(v).trim();
      if (s && s.length <= maxChars && !seen[squash(s)] && out.length < 5) { seen[squash(s)] = true; out.push(s); }
    });
    return out;
  }

  // The limits of a /api/config reply; a missing or unusable value keeps the current one.
  function normaliseLimits(raw, current) {
    function pick(value, fallback) {
      return typeof value === "number" && isFinite(value) && value >= 1 ? Math.floor(value) : fallback;
    }
    raw = raw && typeof raw === "object" ? raw : {};
    return {
      maxMessage: pick(raw.max_message_chars, current.maxMessage),
      maxHistory: pick(raw.max_history_items, current.maxHistory),
      maxTurn: pick(raw.max_turn_chars, current.maxTurn)
    };
  }

  // The answer as plain text: blocks when the server sent them, else `answer` without [n] markers.
  function plainText(msg) {
    if (!msg.blocks || !msg.blocks.length) return str(msg.content).replace(/\s*\[\d+\]/g, "");
    return msg.blocks.map(function (b) {
      var parts = b.items.map(function (s) { return b.type === "list" ? "- " + s.text : s.text; });
      return parts.join(b.type === "list" ? "\n" : " ");
    }).join("\n");
  }

  // Relative luminance / contrast (WCAG 2.x) for choosing text on and beside the accent.
  function luminance(rgb) {
    var c = rgb.map(function (v) {
      v = v / 255;
      return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
    });
    return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
  }
  function contrast(a, b) {
    var la = luminance(a), lb = luminance(b);
    return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
  }
  function parseRgb(s) {
    var m = /^rgba?\(\s*([\d.]+)[,\s]+([\d.]+)[,\s]+([\d.]+)/.exec(s || "");
    return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : null;
  }
  function rgbText(c) { return "rgb(" + c.map(Math.round).join(",") + ")"; }
  // The accent mixed towards `to` until it reaches 4.5:1 against `bg` (itself when it already does).
  function readable(rgb, bg, to) {
    for (var t = 0; t <= 1; t += 0.05) {
      var c = rgb.map(function (v, i) { return v + (to[i] - v) * t; });
      if (contrast(c, bg) >= 4.6) return rgbText(c);
    }
    return rgbText(to);
  }

  // ---------------------------------------------------------------- styles

  var LIGHT = "--gb-bg:#fff;--gb-fg:#1f2937;--gb-strong:#111827;--gb-muted:#4b5563;--gb-line:#d1d5db;--gb-soft:#e5e7eb;" +
    "--gb-bubble:#f3f4f6;--gb-warn:#fffbeb;--gb-warn-line:#b45309;--gb-err:#fef2f2;--gb-err-fg:#991b1b;--gb-err-line:#fca5a5;" +
    "--gb-hover:#eff6ff;--gb-field:#6b7280;--gb-shadow:rgba(15,23,42,.25);color-scheme:light;";
  var DARK = "--gb-bg:#111827;--gb-fg:#e5e7eb;--gb-strong:#f9fafb;--gb-muted:#b9c1cd;--gb-line:#4b5563;--gb-soft:#374151;" +
    "--gb-bubble:#1f2937;--gb-warn:#2d2410;--gb-warn-line:#f59e0b;--gb-err:#3b1414;--gb-err-fg:#fecaca;--gb-err-line:#f87171;" +
    "--gb-hover:#1e293b;--gb-field:#9ca3af;--gb-shadow:rgba(0,0,0,.6);color-scheme:dark;--gb-accent-text:var(--gb-accent-dark);";

  var CSS_TEXT = [
    ":host { all: initial; }",
    "*, *::before, *::after { box-sizing: border-box; }",
    "[hidden] { display: none !important; }",
    ".gb-root { all: initial; display: block; font-family: system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif;",
    "  font-size: 15px; line-height: 1.45; color: var(--gb-fg); -webkit-font-smoothing: antialiased; text-align: start;",
    "  --gb-accent: " + DEFAULT_ACCENT + "; --gb-on-accent: #fff; --gb-accent-text: var(--gb-accent-light); " + LIGHT + " }",
    ".gb-root[data-theme=dark] { " + DARK + " }",
    "@media (prefers-color-scheme: dark) { .gb-root[data-theme=auto] { " + DARK + " } }",
    /* :where() keeps these resets at element specificity so component classes win. */
    ":where(.gb-root) :where(button, textarea, a, p, ol, ul, li, blockquote, h2, summary) { font: inherit; color: inherit; margin: 0; }",
    ":where(.gb-root) button { cursor: pointer; }",
    ".gb-root :focus-visible { outline: 3px solid var(--gb-accent-text); outline-offset: 2px; }",
    ".gb-sr { position: absolute !important; width: 1px; height: 1px; padding: 0; margin: -1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; border: 0; }",

    ".gb-launcher { position: fixed; bottom: 20px; right: 20px; width: 60px; height: 60px; border-radius: 50%; border: 0; padding: 0;",
    "  display: flex; align-items: center; justify-content: center; background: var(--gb-accent); color: var(--gb-on-accent);",
    "  box-shadow: 0 6px 20px rgba(15, 23, 42, .28); transition: transform .15s ease; }",
    ".gb-launcher:hover { transform: scale(1.05); }",
    ".gb-dot { position: absolute; top: 4px; right: 4px; width: 14px; height: 14px; border-radius: 50%; background: #dc2626; border: 2px solid #fff; }",
    ".gb-root[data-position=left] .gb-launcher { right: auto; left: 20px; }",

    ".gb-panel { position: fixed; bottom: 92px; right: 20px; width: 390px; height: 620px; max-height: calc(100vh - 112px);",
    "  display: flex; flex-direction: column; background: var(--gb-bg); color: var(--gb-fg); border-radius: 16px; overflow: hidden;",
    "  border: 1px solid var(--gb-line); box-shadow: 0 16px 48px var(--gb-shadow); }",
    ".gb-root[data-launcher=none] .gb-panel { bottom: 20px; max-height: calc(100vh - 40px); }",
    ".gb-panel:focus { outline: none; }",
    ".gb-root[data-open=true] .gb-panel { animation: gb-in .18s ease-out; }",
    ".gb-panel.gb-closing { animation: gb-out .15s ease-in forwards; }",
    "@keyframes gb-in { from { opacity: 0; transform: translateY(12px) scale(.98); } }",
    "@keyframes gb-out { to { opacity: 0; transform: translateY(12px) scale(.98); } }",
    ".gb-root[data-position=left] .gb-panel { right: auto; left: 20px; }",
    ".gb-root[data-mode=page] .gb-panel { position: absolute; inset: 0; width: auto; height: auto; max-height: none; border-radius: 0; border: 0; box-shadow: none; animation: none; }",
    ".gb-root[data-mode=page] .gb-close { display: none; }",
    ".gb-root[data-mode=page] .gb-log-inner, .gb-root[data-mode=page] .gb-form-inner, .gb-root[data-mode=page] .gb-foot { max-width: 820px; margin-left: auto; margin-right: auto; width: 100%; }",

    ".gb-header { display: flex; align-items: center; gap: 4px; padding: 10px 8px 10px 16px; padding-inline: 16px 8px; background: var(--gb-accent); color: var(--gb-on-accent); flex: none; }",
    ".gb-title { margin: 0; font-size: 16px; font-weight: 650; flex: 1; min-width: 0; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; color: inherit; }",
    ".gb-hbtn { display: inline-flex; align-items: center; justify-content: center; width: 36px; height: 36px; flex: none; border: 0; background: transparent; color: inherit; border-radius: 8px; padding: 0; }",
    ".gb-hbtn:hover { background: rgba(127, 127, 127, .25); }",
    ".gb-hbtn:disabled { opacity: .5; cursor: default; }",
    ".gb-header :focus-visible { outline-color: var(--gb-on-accent); outline-offset: -3px; }",

    ".gb-bar { display: flex; flex-wrap: wrap; align-items: center; gap: 8px; padding: 10px 14px; background: var(--gb-bubble); border-bottom: 1px solid var(--gb-line); font-size: 14px; flex: none; }",
    ".gb-bar p { flex: 1 1 160px; }",
    ".gb-btn { border: 1px solid var(--gb-accent-text); background: var(--gb-bg); color: var(--gb-accent-text); border-radius: 8px; padding: 5px 12px; font-weight: 600; font-size: 14px; }",
    ".gb-btn-main { background: var(--gb-accent); border-color: var(--gb-accent); color: var(--gb-on-accent); }",

    ".gb-log { flex: 1; overflow-y: auto; padding: 16px 14px 8px; background: var(--gb-bg); overscroll-behavior: contain; }",
    ".gb-log-inner { display: flex; flex-direction: column; gap: 12px; }",
    ".gb-msg { display: flex; flex-direction: column; max-width: 100%; }",
    ".gb-msg-user { align-items: flex-end; }",
    ".gb-msg-assistant { align-items: flex-start; }",
    ".gb-bubble { padding: 10px 13px; border-radius: 14px; overflow-wrap: anywhere; max-width: 88%; }",
    ".gb-msg-user .gb-bubble, .gb-greeting .gb-bubble, .gb-plain { white-space: pre-wrap; }",
    ".gb-msg-assistant .gb-bubble, .gb-detail, .gb-sources, .gb-actions { max-width: 94%; }",
    ".gb-msg-user .gb-bubble { background: var(--gb-accent); color: var(--gb-on-accent); border-end-end-radius: 4px; }",
    ".gb-msg-assistant .gb-bubble { background: var(--gb-bubble); color: var(--gb-strong); border-end-start-radius: 4px; }",
    ".gb-msg-unanswered .gb-bubble { background: var(--gb-warn); border: 1px solid var(--gb-warn-line); }",
    ".gb-bubble p + p, .gb-bubble p + ul, .gb-bubble ul + p { margin-top: 8px; }",
    ".gb-bubble ul { margin: 6px 0 0; padding-inline-start: 20px; }",
    ".gb-bubble li + li { margin-top: 4px; }",

    ".gb-chip { display: inline-flex; align-items: center; justify-content: center; min-width: 22px; height: 20px; padding: 0 5px; margin: 0 1px;",
    "  border-radius: 10px; border: 1px solid var(--gb-accent-text); background: var(--gb-bg); color: var(--gb-accent-text);",
    "  font-size: 12px; font-weight: 650; line-height: 1; vertical-align: 2px; }",
    ".gb-chip:hover, .gb-chip[aria-expanded=true] { background: var(--gb-accent); border-color: var(--gb-accent); color: var(--gb-on-accent); }",

    ".gb-detail { margin-top: 8px; width: 94%; border: 1px solid var(--gb-line); border-inline-start: 4px solid var(--gb-accent); border-radius: 8px;",
    "  padding: 10px 12px; background: var(--gb-bg); font-size: 14px; position: relative; }",
    ".gb-detail-title { margin: 0; margin-inline-end: 26px; font-weight: 650; color: var(--gb-strong); }",
    ".gb-detail-section { margin: 0 0 6px; color: var(--gb-muted); font-size: 13px; }",
    ".gb-quote { margin: 0 0 6px; padding: 0; font-style: italic; white-space: pre-wrap; overflow-wrap: anywhere; }",
    ".gb-detail-x { position: absolute; top: 6px; inset-inline-end: 6px; border: 0; background: transparent; color: var(--gb-muted); padding: 2px; border-radius: 6px; display: inline-flex; }",
    ".gb-detail .gb-link + .gb-link { margin-inline-start: 14px; }",
    ".gb-link { color: var(--gb-accent-text); text-decoration: underline; overflow-wrap: anywhere; }",

    ".gb-actions { display: flex; flex-wrap: wrap; align-items: center; gap: 6px; margin-top: 6px; }",
    ".gb-act { display: inline-flex; align-items: center; gap: 4px; border: 1px solid var(--gb-line); background: var(--gb-bg); color: var(--gb-muted); border-radius: 8px; padding: 3px 8px; font-size: 13px; }",
    ".gb-act:hover { background: var(--gb-hover); }",
    ".gb-contact { font-weight: 600; border: 1px solid var(--gb-accent-text); border-radius: 8px; padding: 3px 10px; text-decoration: none; font-size: 13px; }",

    ".gb-sources { margin-top: 6px; font-size: 13px; color: var(--gb-muted); }",
    ".gb-sources summary { cursor: pointer; font-weight: 650; font-size: 12px; text-transform: uppercase; letter-spacing: .04em; padding: 2px 0; width: max-content; max-width: 100%; }",
    ".gb-sources ol { margin: 4px 0 0; padding: 0; list-style: none; }",
    ".gb-sources li { margin: 3px 0; overflow-wrap: anywhere; }",
    ".gb-src-n { font-weight: 650; color: var(--gb-fg); margin-inline-end: 4px; }",

    ".gb-suggestions { display: flex; flex-wrap: wrap; gap: 6px; margin-top: 8px; max-width: 100%; }",
    ".gb-suggestion { border: 1px solid var(--gb-accent-text); color: var(--gb-accent-text); background: var(--gb-bg); border-radius: 16px;",
    "  padding: 6px 11px; font-size: 13px; line-height: 1.3; text-align: start; }",
    ".gb-suggestion:hover { background: var(--gb-hover); }",
    ".gb-suggestion:disabled { opacity: .6; cursor: default; }",

    ".gb-error { display: flex; flex-wrap: wrap; align-items: center; gap: 8px; padding: 10px 12px; border-radius: 10px;",
    "  background: var(--gb-err); color: var(--gb-err-fg); border: 1px solid var(--gb-err-line); font-size: 14px; }",
    ".gb-error-text { flex: 1 1 180px; margin: 0; }",
    ".gb-retry { border: 1px solid currentColor; background: transparent; color: inherit; border-radius: 8px; padding: 5px 12px; font-weight: 600; }",

    ".gb-typing { display: flex; align-items: center; gap: 8px; padding: 4px 18px 8px; color: var(--gb-muted); font-size: 13px; flex: none; }",
    ".gb-dots { display: inline-flex; gap: 4px; }",
    ".gb-dots span { width: 7px; height: 7px; border-radius: 50%; background: var(--gb-muted); animation: gb-bounce 1.1s infinite ease-in-out; }",
    ".gb-dots span:nth-child(2) { animation-delay: .15s; } .gb-dots span:nth-child(3) { animation-delay: .3s; }",
    "@keyframes gb-bounce { 0%, 80%, 100% { transform: translateY(0); opacity: .5; } 40% { transform: translateY(-4px); opacity: 1; } }",

    ".gb-form { flex: none; border-top: 1px solid var(--gb-soft); padding: 10px 12px; background: var(--gb-bg); }",
    ".gb-form-inner { display: flex; align-items: flex-end; gap: 8px; }",
    ".gb-input { flex: 1; min-width: 0; resize: none; border: 1px solid var(--gb-field); border-radius: 10px; padding: 9px 11px; min-height: 42px; max-height: 140px;",
    "  background: var(--gb-bg); color: var(--gb-strong); line-height: 1.4; font-size: 15px; display: block; }",
    ".gb-input::placeholder { color: var(--gb-muted); opacity: 1; }",
    ".gb-input:disabled { background: var(--gb-bubble); color: var(--gb-muted); }",
    ".gb-input:focus { outline: 3px solid var(--gb-accent-text); outline-offset: 0; border-color: var(--gb-accent-text); }",
    ".gb-input[aria-invalid=true] { border-color: var(--gb-err-fg); }",
    ".gb-send { flex: none; width: 42px; height: 42px; border: 0; border-radius: 10px; background: var(--gb-accent); color: var(--gb-on-accent);",
    "  display: inline-flex; align-items: center; justify-content: center; padding: 0; }",
    ".gb-send:disabled { opacity: .55; cursor: default; }",
    ".gb-count { margin: 4px 2px 0; font-size: 12px; color: var(--gb-muted); text-align: end; }",
    ".gb-count.gb-over { color: var(--gb-err-fg); font-weight: 600; }",
    ".gb-foot { margin: 0; padding: 0 14px 8px; font-size: 12px; color: var(--gb-muted); background: var(--gb-bg); flex: none; }",

    "@media " + SMALL_SCREEN + " {",
    "  .gb-root[data-mode=widget] .gb-panel { inset: 0; width: auto; height: auto; max-height: none; border-radius: 0; border: 0; box-shadow: none; }",
    "  .gb-root[data-mode=widget][data-open=true] .gb-launcher { display: none; }",
    "  .gb-msg-user .gb-bubble { max-width: 94%; }",
    "  .gb-foot { display: none; }",
    "}",
    "@media (prefers-reduced-motion: reduce) { .gb-dots span, .gb-panel { animation: none !important; } .gb-launcher { transition: none; } }",
    "@media print { .gb-launcher, .gb-panel { display: none; } }"
  ].join("\n");

  // ---------------------------------------------------------------- widget

  function Widget(script, api) {
    this.api = api;
    this.opts = readOptions(script);
    this.strings = STRINGS[this.opts.lang];
    this.storageKey = STORAGE_PREFIX + this.opts.apiBase + ":" + this.opts.mode;
    this.messages = [];
    this.isOpen = false;
    this.busy = false;
    this.unread = false;
    this.title = this.opts.title || DEFAULT_TITLE;
    this.greeting = this.opts.greeting || DEFAULT_GREETING;
    this.starters = FALLBACK_STARTERS.slice();
    this.limits = DEFAULT_LIMITS;
    this.contactUrl = this.opts.contactUrl;
    this.errorEl = null;
    this.restore();
    this.mount();
    this.applyAccent();
    this.renderAll();
    if (this.opts.mode === "page") {
      this.open({ focus: true, persist: false });
    } else if (this.opts.open || this.wasOpen) {
      this.open({ focus: false, persist: false });
    }
    this.loadConfig();
  }

  var W = Widget.prototype;

  W.t = function (key, vars) {
    var s = this.strings[key];
    return fill(typeof s === "string" ? s : STRINGS.en[key], vars);
  };

  W.emit = function (name, detail) { this.api._emit(name, detail || {}); };

  W.small = function () { return this.opts.mode === "widget" && window.matchMedia && matchMedia(SMALL_SCREEN).matches; };

  // Touch users get no automatic focus on the input: it would raise the keyboard over the answer.
  W.focusInput = function () {
    if (this.touch || this.input.disabled) this.panel.focus({ preventScroll: true });
    else this.input.focus({ preventScroll: true });
  };

  W.mount = function () {
    var self = this;
    var opts = this.opts;
    var host = document.createElement(HOST_TAG);
    this.host = host;
    var hs = host.style;
    var targetEl = null;
    if (opts.mode === "page" && opts.target) {
      try { targetEl = document.querySelector(opts.target); } catch (e) { targetEl = null; }
    }
    // The host lives in the page's light DOM: protect it with inline !important.
    var styles = { all: "initial", display: "block", visibility: "visible", opacity: "1", "pointer-events": "auto",
      transform: "none", filter: "none", contain: "none" };
    if (opts.mode === "page" && targetEl) {
      styles.position = "relative"; styles.width = "100%"; styles.height = "100%"; styles["min-height"] = "320px";
    } else if (opts.mode === "page") {
      styles.position = "fixed"; styles.inset = "0"; styles["z-index"] = "2147483000";
    } else {
      styles.position = "fixed"; styles.bottom = "0"; styles[opts.position] = "0"; styles.width = "0"; styles.height = "0";
      styles.overflow = "visible"; styles["z-index"] = "2147483000";
    }
    for (var k in styles) hs.setProperty(k, styles[k], "important");

    var shadow = host.attachShadow({ mode: "open" });
    this.shadow = shadow;
    try {
      var sheet = new CSSStyleSheet();
      sheet.replaceSync(CSS_TEXT);
      shadow.adoptedStyleSheets = [sheet];
    } catch (e) {
      shadow.appendChild(el("style", { text: CSS_TEXT }));
    }

    var root = el("div", { className: "gb-root", "data-mode": opts.mode, "data-position": opts.position, "data-open": "false",
      "data-theme": opts.theme, "data-launcher": opts.launcher ? "button" : "none", lang: opts.lang, dir: this.strings.dir });
    this.root = root;

    this.launcher = el("button", { type: "button", className: "gb-launcher", "aria-expanded": "false", "aria-controls": "gb-panel" });
    this.dot = el("span", { className: "gb-dot", hidden: true });
    this.launcher.addEventListener("click", function () { self.toggle(); });
    this.launcher.hidden = opts.mode === "page" || !opts.launcher;

    this.titleEl = el("h2", { className: "gb-title", id: "gb-title", text: this.title });
    this.newBtn = el("button", { type: "button", className: "gb-hbtn gb-new", "aria-label": this.t("newChat"), title: this.t("newChat") },
      [icon(ICON_NEW, 20)]);
    this.newBtn.addEventListener("click", function () { self.confirmReset(); });
    this.closeBtn = el("button", { type: "button", className: "gb-hbtn gb-close", "aria-label": this.t("closeChat"), title: this.t("closeChat") },
      [icon(ICON_CLOSE, 22)]);
    this.closeBtn.addEventListener("click", function () { self.close(); });
    var header = el("div", { className: "gb-header" }, [this.titleEl, this.newBtn, this.closeBtn]);

    this.confirmBar = el("div", { className: "gb-bar gb-confirm", role: "group", "aria-labelledby": "gb-confirm-text", hidden: true }, [
      el("p", { id: "gb-confirm-text", text: this.t("confirm") }),
      this.button(this.t("startOver"), "gb-btn gb-btn-main gb-confirm-yes", function () { self.reset({ undo: true }); }),
      this.button(this.t("cancel"), "gb-btn gb-confirm-no", function () { self.cancelConfirm(); })
    ]);
    this.undoBar = el("div", { className: "gb-bar gb-undo", role: "status", hidden: true }, [
      el("p", { text: this.t("cleared") }),
      this.button(this.t("undo"), "gb-btn gb-undo-btn", function () { self.undo(); })
    ]);

    this.logInner = el("div", { className: "gb-log-inner" });
    // Not a live region: screen readers hear each new answer once, from `live` below.
    this.log = el("div", { className: "gb-log", role: "region", "aria-label": this.t("conversation"), tabindex: "0" }, [this.logInner]);
    this.live = el("div", { className: "gb-sr gb-live", "aria-live": "polite", "aria-atomic": "true" });

    this.typing = el("div", { className: "gb-typing", role: "status", hidden: true }, [
      el("span", { className: "gb-dots", "aria-hidden": "true" }, [el("span"), el("span"), el("span")]),
      el("span", { text: this.t("looking") })
    ]);

    this.input = el("textarea", {
      className: "gb-input", id: "gb-input", rows: "1", placeholder: this.t("placeholder"), "aria-label": this.t("input"),
      "aria-describedby": "gb-hint gb-count", enterkeyhint: "send", autocomplete: "off", dir: "auto"
    });
    this.sendBtn = el("button", { type: "submit", className: "gb-send", "aria-label": this.t("send") }, [icon(ICON_SEND, 20)]);
    this.counter = el("p", { className: "gb-count", id: "gb-count", hidden: true });
    var form = el("form", { className: "gb-form", novalidate: true }, [
      el("div", { className: "gb-form-inner" }, [this.input, this.sendBtn]), this.counter,
      el("p", { className: "gb-sr", id: "gb-hint", text: this.t("hint") })
    ]);
    form.addEventListener("submit", function (e) { e.preventDefault(); self.submitInput(); });
    this.input.addEventListener("keydown", function (e) {
      if (e.key === "Enter" && !e.shiftKey && !e.isComposing && e.keyCode !== 229) {
        e.preventDefault();
        self.submitInput();
      }
    });
    this.input.addEventListener("input", function () { self.autosize(); self.updateCounter(); });

    var foot = el("p", { className: "gb-foot", text: this.t("foot") });

    this.panel = el("div", {
      // A dialog in widget mode (modal when it fills a small screen); in page mode the page's main region.
      className: "gb-panel", id: "gb-panel", role: opts.mode === "page" ? "region" : "dialog",
      "aria-modal": opts.mode === "page" ? null : "false", "aria-labelledby": "gb-title", tabindex: "-1", hidden: true
    }, [header, this.confirmBar, this.log, this.undoBar, this.typing, form, foot]);
    this.panel.addEventListener("keydown", function (e) { self.onKey(e); });
    // Remember how the person last touched the widget (see focusInput).
    root.addEventListener("pointerdown", function (e) { self.touch = e.pointerType === "touch"; }, true);
    root.addEventListener("keydown", function () { self.touch = false; }, true);
    document.addEventListener("focusin", function (e) {
      // A modal panel keeps focus: anything focusing the page behind it brings focus back.
      if (self.isOpen && self.panel.getAttribute("aria-modal") === "true" && e.target !== host) self.panel.focus();
    });
    if (window.matchMedia) {
      var mq = matchMedia(SMALL_SCREEN);
      var sync = function () { self.syncModal(); };
      if (mq.addEventListener) mq.addEventListener("change", sync);
    }
    window.addEventListener("storage", function (e) { if (e.key === self.storageKey && !self.busy) self.syncFromStorage(); });

    root.appendChild(this.launcher);
    root.appendChild(this.panel);
    root.appendChild(this.live);
    shadow.appendChild(root);
    this.updateLauncher();
    (targetEl || document.body || document.documentElement).appendChild(host);
  };

  W.button = function (label, className, onClick) {
    var b = el("button", { type: "button", className: className, text: label });
    b.addEventListener("click", onClick);
    return b;
  };

  W.onKey = function (e) {
    if (e.key === "Tab" && this.panel.getAttribute("aria-modal") === "true") return this.trapTab(e);
    if (e.key !== "Escape" && e.key !== "Esc") return;
    // Esc closes the innermost thing first: the confirmation, then an open source card, then the panel.
    var detail = this.shadow.querySelector(".gb-detail:not([hidden])");
    if (!this.confirmBar.hidden) this.cancelConfirm();
    else if (detail) this.closeDetail(detail, true);
    else if (this.opts.mode !== "page") this.close();
    else return;
    e.preventDefault();
    e.stopPropagation();
  };

  W.trapTab = function (e) {
    var all = this.panel.querySelectorAll("button, textarea, a[href], summary, [tabindex='0']");
    var items = [];
    for (var i = 0; i < all.length; i++) if (!all[i].disabled && all[i].getClientRects().length) items.push(all[i]);
    if (!items.length) return;
    var active = this.shadow.activeElement;
    var at = items.indexOf(active);
    var next = e.shiftKey ? (at <= 0 ? items.length - 1 : at - 1) : (at < 0 || at === items.length - 1 ? 0 : at + 1);
    e.preventDefault();
    items[next].focus();
  };

  W.syncModal = function () {
    if (this.opts.mode === "page") return;
    this.panel.setAttribute("aria-modal", this.isOpen && this.small() ? "true" : "false");
  };

  W.applyAccent = function () {
    var accent = this.opts.accent;
    var style = this.root.style;
    style.setProperty("--gb-accent", accent);
    var probe = el("span", { "aria-hidden": "true" });
    probe.style.color = accent;
    probe.style.display = "none";
    this.root.appendChild(probe);
    var rgb = parseRgb(getComputedStyle(probe).color);
    probe.remove();
    if (!rgb) rgb = [29, 78, 216];
    var white = [255, 255, 255], dark = [17, 24, 39];
    style.setProperty("--gb-on-accent", contrast(rgb, white) >= contrast(rgb, dark) ? "#fff" : "#111827");
    // As text on the panel: the accent itself when it is readable there, else mixed until it is.
    style.setProperty("--gb-accent-light", readable(rgb, white, [31, 41, 55]));
    style.setProperty("--gb-accent-dark", readable(rgb, [31, 41, 55], white));
  };

  // ------------------------------------------------------------ persistence

  // The conversation lives in sessionStorage (this tab), or with data-persist="local" in
  // localStorage for data-persist-hours; whether the panel was open is always per tab.
  W.store = function () {
    try { return this.opts.persist === "local" ? window.localStorage : window.sessionStorage; } catch (e) { return null; }
  };

  W.restore = function () {
    this.wasOpen = false;
    try {
      this.wasOpen = window.sessionStorage.getItem(OPEN_PREFIX + this.storageKey) === "true";
      var store = this.store();
      var data = JSON.parse((store && store.getItem(this.storageKey)) || "null");
      if (!data || !Array.isArray(data.messages)) return;
      if (this.opts.persist === "local" && !(Date.now() - data.at < this.opts.ttl)) {
        store.removeItem(this.storageKey);
        return;
      }
      this.messages = data.messages.filter(function (m) {
        return m && (m.role === "user" || m.role === "assistant") && typeof m.content === "string";
      }).slice(-MAX_STORED_MESSAGES);
      if (data.open === true) this.wasOpen = true;
    } catch (e) { this.messages = []; }
  };

  W.save = function () {
    try {
      window.sessionStorage.setItem(OPEN_PREFIX + this.storageKey, String(this.isOpen));
      var store = this.store();
      if (!this.messages.length && this.opts.persist === "local") store.removeItem(this.storageKey);
      else store.setItem(this.storageKey, JSON.stringify({ v: 2, at: Date.now(), messages: this.messages.slice(-MAX_STORED_MESSAGES) }));
    } catch (e) { /* storage full or blocked: the conversation still works */ }
  };

  W.syncFromStorage = function () {
    this.restore();
    this.renderAll();
  };

  // ------------------------------------------------------------- rendering

  W.renderAll = function () {
    this.logInner.textContent = "";
    this.errorEl = null;
    this.logInner.appendChild(this.renderGreeting());
    for (var i = 0; i < this.messages.length; i++) this.logInner.appendChild(this.renderMessage(this.messages[i], i));
    var last = this.messages[this.messages.length - 1];
    if (last && last.role === "user") this.showError(this.t("unanswered"));
    this.newBtn.disabled = !this.messages.length;
    this.scrollToBottom();
  };

  W.renderGreeting = function () {
    var wrap = el("div", { className: "gb-msg gb-msg-assistant gb-greeting" });
    this.greetingText = el("div", { className: "gb-bubble", lang: this.opts.answerLang, dir: "auto", text: this.greeting });
    wrap.appendChild(this.greetingText);
    this.startersEl = el("div", { className: "gb-suggestions gb-starters", role: "group", "aria-label": this.t("starters") });
    wrap.appendChild(this.startersEl);
    this.renderStarters();
    return wrap;
  };

  W.renderStarters = function () {
    if (!this.startersEl) return;
    this.startersEl.textContent = "";
    this.startersEl.hidden = this.messages.length > 0;
    for (var i = 0; i < this.starters.length; i++) this.startersEl.appendChild(this.suggestionButton(this.starters[i]));
  };

  W.suggestionButton = function (q) {
    var self = this;
    var b = el("button", { type: "button", className: "gb-suggestion", "aria-label": this.t("ask", { q: q }), lang: this.opts.answerLang, dir: "auto", text: q });
    b.addEventListener("click", function () { self.send(q); });
    return b;
  };

  W.renderMessage = function (msg, index) {
    if (msg.role === "user") {
      return el("div", { className: "gb-msg gb-msg-user" }, [
        el("span", { className: "gb-sr", text: this.t("you") }),
        el("div", { className: "gb-bubble", dir: "auto", text: msg.content })
      ]);
    }
    return this.renderAnswer(msg, index === this.messages.length - 1);
  };

  W.renderAnswer = function (msg, latest) {
    var self = this;
    var citations = normaliseCitations(msg.citations);
    var byId = {};
    citations.forEach(function (c) { if (!byId[c.id]) byId[c.id] = c; });
    var wrap = el("div", { className: "gb-msg gb-msg-assistant" + (msg.answered === false ? " gb-msg-unanswered" : "") });
    wrap.appendChild(el("span", { className: "gb-sr", text: this.t("said", { title: this.title }) }));
    var bubble = el("div", { className: "gb-bubble", lang: this.opts.answerLang, dir: "auto" });
    var detail = el("div", { className: "gb-detail", role: "region", "aria-label": this.t("details"), hidden: true });
    var chips = function (parent, list) {
      list.forEach(function (n) {
        if (byId[n]) { parent.appendChild(document.createTextNode(" ")); parent.appendChild(self.chip(byId[n], detail)); }
      });
    };
    var blocks = normaliseBlocks(msg.blocks);
    if (blocks.length) {
      blocks.forEach(function (b) {
        var box = el(b.type === "list" ? "ul" : "p");
        b.items.forEach(function (s, i) {
          var target = b.type === "list" ? box.appendChild(el("li")) : box;
          if (b.type !== "list" && i) target.appendChild(document.createTextNode(" "));
          appendLinkified(target, s.text);
          chips(target, s.citations);
        });
        bubble.appendChild(box);
      });
    } else {
      // An answer without blocks (an older server, or a stored conversation): chips where its [n] markers are.
      bubble.className += " gb-plain";
      str(msg.content).split(/\[(\d+)\]/).forEach(function (part, p) {
        if (p % 2 === 0) { if (part) appendLinkified(bubble, part); return; }
        var cite = byId[parseInt(part, 10)];
        if (cite) bubble.appendChild(self.chip(cite, detail));
        else bubble.appendChild(document.createTextNode("[" + part + "]"));
      });
    }
    wrap.appendChild(bubble);
    wrap.appendChild(detail);
    var sources = this.renderSources(msg, citations);
    if (sources) wrap.appendChild(sources);
    wrap.appendChild(this.renderActions(msg));
    if (latest) this.renderSuggestions(wrap, msg);
    if (msg.replyId) this.addFeedback(wrap, msg);
    return wrap;
  };

  // One row per answer: copy, the contact link when the bot did not answer, and (later) feedback.
  W.renderActions = function (msg) {
    var self = this;
    var row = el("div", { className: "gb-actions", role: "group", "aria-label": this.t("actions") });
    var contact = this.contactUrl;
    var declined = msg.kind ? msg.kind === "abstain" || msg.kind === "partial" : msg.answered === false && !(msg.citations || []).length;
    if (contact && declined) row.appendChild(link(contact, this.opts.contactLabel || this.t("contact"), "gb-contact"));
    var copy = el("button", { type: "button", className: "gb-act gb-copy", "aria-label": this.t("copy") },
      [icon(ICON_COPY, 15), el("span", { text: this.t("copy") })]);
    copy.addEventListener("click", function () { self.copy(msg, copy); });
    row.appendChild(copy);
    return row;
  };

  W.renderSources = function (msg, citations) {
    var base = this.opts.apiBase;
    var entries = normaliseSources(msg.sources);
    if (!entries.length) {
      entries = citations.map(function (c) {
        return { title: c.title, section: c.section, link: c.link || c.url, citations: [c.id] };
      });
    }
    if (!entries.length) return null;
    var ol = el("ol");
    entries.forEach(function (s) {
      var href = safeUrl(s.link, false, base);
      var li = el("li", null, [el("span", { className: "gb-src-n", text: s.citations.map(function (n) { return "[" + n + "]"; }).join("") })]);
      li.appendChild(href ? link(href, s.title) : el("span", { text: s.title }));
      if (s.section) li.appendChild(document.createTextNode(" › " + s.section));
      ol.appendChild(li);
    });
    return el("details", { className: "gb-sources", lang: this.opts.answerLang }, [
      el("summary", { text: this.t("sources") + " (" + entries.length + ")", lang: this.opts.lang }), ol
    ]);
  };

  // Follow-ups belong to the latest answer only, and never repeat the question it answered.
  W.renderSuggestions = function (wrap, msg) {
    var sugg = normaliseSuggestions(msg.suggestions, this.limits.maxMessage, msg.question);
    if (!sugg.length) return;
    var box = el("div", { className: "gb-suggestions gb-followups", role: "group", "aria-label": this.t("followUps") });
    for (var k = 0; k < sugg.length; k++) box.appendChild(this.suggestionButton(sugg[k]));
    wrap.appendChild(box);
  };

  W.chip = function (cite, detail) {
    var self = this;
    var b = el("button", { type: "button", className: "gb-chip", "aria-expanded": "false",
      "aria-label": this.t("source", { n: cite.id }), text: String(cite.id) });
    b.addEventListener("click", function () { self.toggleDetail(b, cite, detail); });
    return b;
  };

  W.closeDetail = function (detail, refocus) {
    var chip = detail._chip;
    detail.hidden = true;
    detail._chip = null;
    if (chip) {
      chip.setAttribute("aria-expanded", "false");
      if (refocus) chip.focus();
    }
  };

  W.toggleDetail = function (chipBtn, cite, detail) {
    var self = this;
    var wasThis = !detail.hidden && detail._chip === chipBtn;
    if (!detail.hidden) this.closeDetail(detail, false);
    if (wasThis) return;
    detail.textContent = "";
    detail._chip = chipBtn;
    chipBtn.setAttribute("aria-expanded", "true");
    var closeX = el("button", { type: "button", className: "gb-detail-x", "aria-label": this.t("closeDetails") }, [icon(ICON_CLOSE, 16)]);
    closeX.addEventListener("click", function () { self.closeDetail(detail, true); });
    detail.appendChild(closeX);
    detail.appendChild(el("p", { className: "gb-detail-title", text: "[" + cite.id + "] " + cite.title }));
    if (cite.section) detail.appendChild(el("p", { className: "gb-detail-section", text: cite.section }));
    if (cite.quote) detail.appendChild(el("blockquote", { className: "gb-quote", text: "“" + cite.quote + "”" }));
    var base = this.opts.apiBase;
    var href = safeUrl(cite.link || cite.url, false, cite.link ? base : null);
    var page = safeUrl(cite.page, false, base);
    if (href) detail.appendChild(link(href, this.t("openSource"), "gb-detail-link"));
    if (page && page !== href) detail.appendChild(link(page, this.t("inContext"), "gb-detail-page"));
    detail.hidden = false;
    if (detail.scrollIntoView) detail.scrollIntoView({ block: "nearest" });
  };

  W.scrollToBottom = function () {
    var log = this.log;
    if (log) log.scrollTop = log.scrollHeight;
  };

  W.appendMessage = function (msg) {
    var old = this.logInner.querySelectorAll(".gb-followups");
    for (var i = 0; i < old.length; i++) old[i].remove();
    var node = this.renderMessage(msg, this.messages.length - 1);
    this.logInner.appendChild(node);
    this.renderStarters();
    this.newBtn.disabled = false;
    if (msg.role !== "assistant") {
      this.scrollToBottom();
      return;
    }
    // Show the question and the start of its answer, rather than jumping past a long answer.
    var log = this.log;
    var logTop = log.getBoundingClientRect().top;
    var offset = function (n) { return log.scrollTop + n.getBoundingClientRect().top - logTop; };
    var question = node.previousElementSibling;
    var bubble = node.querySelector(".gb-bubble");
    var target = offset(node) - 8;
    if (question && question.classList.contains("gb-msg-user") && bubble) {
      var questionTop = offset(question) - 8;
      if (offset(bubble) + bubble.offsetHeight - questionTop <= log.clientHeight) target = questionTop;
    }
    log.scrollTop = Math.max(0, target);
  };

  // The live region hears only the new answer's words: no chip labels, sources or suggestions.
  W.announce = function (s) {
    var live = this.live;
    live.textContent = "";
    setTimeout(function () { live.textContent = s; }, 60);
  };

  W.clearError = function () {
    if (this.errorEl) this.errorEl.remove();
    this.errorEl = null;
  };

  W.showError = function (message) {
    var self = this;
    this.clearError();
    var retry = el("button", { type: "button", className: "gb-retry", "aria-label": this.t("retryLabel"), text: this.t("retry") });
    retry.addEventListener("click", function () { self.retry(); });
    this.errorEl = el("div", { className: "gb-error", role: "alert" }, [el("p", { className: "gb-error-text", text: message }), retry]);
    this.logInner.appendChild(this.errorEl);
    this.scrollToBottom();
  };

  W.autosize = function () {
    var t = this.input;
    t.style.height = "auto";
    t.style.height = Math.min(t.scrollHeight + 2, 140) + "px";
  };

  // Near the limit a counter shows how much is left; past it the question is not sent (never cut).
  W.updateCounter = function () {
    var n = this.input.value.trim().length, max = this.limits.maxMessage;
    var over = n > max;
    this.counter.hidden = n < max * 0.8;
    this.counter.textContent = over ? this.t("tooLong", { n: n - max }) : this.t("counter", { n: n, max: max });
    this.counter.classList.toggle("gb-over", over);
    this.input.setAttribute("aria-invalid", over ? "true" : "false");
    this.sendBtn.disabled = this.busy || over;
    return !over;
  };

  W.copy = function (msg, button) {
    var self = this;
    var base = this.opts.apiBase;
    var lines = normaliseSources(msg.sources).map(function (s) {
      var href = safeUrl(s.link, false, base);
      return s.citations.map(function (n) { return "[" + n + "]"; }).join("") + " " + s.title +
        (s.section ? " › " + s.section : "") + (href ? " " + href : "");
    });
    var body = plainText(msg) + (lines.length ? "\n\n" + this.t("sources") + ":\n" + lines.join("\n") : "");
    var label = button.querySelector("span");
    var done = function () {
      label.textContent = self.t("copied");
      self.announce(self.t("copied"));
      setTimeout(function () { label.textContent = self.t("copy"); }, 2000);
    };
    var fallback = function () {
      var area = el("textarea", { className: "gb-sr", "aria-hidden": "true", tabindex: "-1" });
      area.value = body;
      self.root.appendChild(area);
      area.select();
      try { if (document.execCommand("copy")) done(); } catch (e) { /* nothing more to try */ }
      area.remove();
      button.focus();
    };
    if (navigator.clipboard && window.isSecureContext) navigator.clipboard.writeText(body).then(done, fallback);
    else fallback();
  };

  // ---------------------------------------------------------- open / close

  W.updateLauncher = function () {
    var key = this.isOpen ? "close" : "open";
    var label = this.t(key, { title: this.title }) + (this.unread && !this.isOpen ? " (" + this.t("unread") + ")" : "");
    this.launcher.setAttribute("aria-label", label);
    this.launcher.replaceChildren(icon(this.isOpen ? ICON_CLOSE : ICON_CHAT, this.isOpen ? 26 : 28), this.dot);
    this.dot.hidden = !this.unread || this.isOpen;
  };

  W.open = function (o) {
    o = o || {};
    if (this.closeTimer) { clearTimeout(this.closeTimer); this.closeTimer = null; }
    this.panel.classList.remove("gb-closing");
    var wasOpen = this.isOpen;
    if (!wasOpen) {
      var active = document.activeElement;
      this.returnFocus = active && active !== document.body && active !== this.host ? active : null;
    }
    this.isOpen = true;
    this.unread = false;
    this.panel.hidden = false;
    this.root.setAttribute("data-open", "true");
    this.launcher.setAttribute("aria-expanded", "true");
    this.updateLauncher();
    this.syncModal();
    if (o.persist !== false) this.save();
    this.scrollToBottom();
    if (o.focus !== false) this.focusInput();
    if (!wasOpen) this.emit("open");
  };

  W.close = function () {
    if (this.opts.mode === "page" || !this.isOpen) return;
    var self = this;
    this.isOpen = false;
    this.cancelConfirm(true);
    this.root.setAttribute("data-open", "false");
    this.launcher.setAttribute("aria-expanded", "false");
    this.updateLauncher();
    this.syncModal();
    this.save();
    var reduce = !window.matchMedia || matchMedia("(prefers-reduced-motion: reduce)").matches;
    var hide = function () { self.panel.hidden = true; self.panel.classList.remove("gb-closing"); self.closeTimer = null; };
    if (reduce) hide();
    else { this.panel.classList.add("gb-closing"); this.closeTimer = setTimeout(hide, 150); }
    var back = this.opts.launcher ? this.launcher : this.returnFocus;
    if (back && back.isConnected) back.focus();
    this.emit("close");
  };

  W.toggle = function () {
    if (this.isOpen) this.close(); else this.open();
  };

  // "New conversation" asks first; once cleared, Undo brings the conversation back for a while.
  W.confirmReset = function () {
    if (!this.messages.length) return;
    this.confirmBar.hidden = false;
    this.confirmBar.querySelector(".gb-confirm-no").focus();
  };

  W.cancelConfirm = function (quiet) {
    if (this.confirmBar.hidden) return;
    this.confirmBar.hidden = true;
    if (!quiet) this.newBtn.focus();
  };

  W.reset = function (o) {
    o = o || {};
    var self = this;
    this.generation = (this.generation || 0) + 1; // drop any answer still in flight
    if (this.controller) { try { this.controller.abort(); } catch (e) { /* ignore */ } }
    this.confirmBar.hidden = true;
    var before = this.messages;
    this.messages = [];
    this.save();
    this.setBusy(false);
    this.renderAll();
    this.input.value = "";
    this.autosize();
    this.updateCounter();
    clearTimeout(this.undoTimer);
    this.undoBar.hidden = !(o.undo && before.length);
    if (!this.undoBar.hidden) {
      this.undoMessages = before;
      this.undoTimer = setTimeout(function () { self.undoBar.hidden = true; self.undoMessages = null; }, UNDO_MS);
    }
    if (this.isOpen) this.focusInput();
  };

  W.undo = function () {
    if (!this.undoMessages) return;
    clearTimeout(this.undoTimer);
    this.messages = this.undoMessages;
    this.undoMessages = null;
    this.undoBar.hidden = true;
    this.save();
    this.renderAll();
    this.focusInput();
  };

  // -------------------------------------------------------------- network

  // fetch with a hard timeout. Rejects with an Error whose .kind is one of
  // "timeout" | "aborted" | "network" | "http" (with .status/.detail) | "format".
  W.request = async function (path, init) {
    var controller = new AbortController();
    var timedOut = false;
    var timer = setTimeout(function () { timedOut = true; controller.abort(); }, this.opts.timeout);
    if (path === "/api/chat") this.controller = controller;
    var fail = function (kind, message, extra) {
      var err = new Error(message);
      err.kind = kind;
      return Object.assign(err, extra);
    };
    try {
      var res, body;
      try {
        res = await fetch(this.opts.apiBase + path, Object.assign({}, init, {
          signal: controller.signal, credentials: "omit", mode: "cors", cache: "no-store"
        }));
        body = await res.text();
      } catch (e) {
        throw fail(timedOut ? "timeout" : (e && e.name === "AbortError" ? "aborted" : "network"), (e && e.message) || "Network error");
      }
      var data = null;
      try { data = body ? JSON.parse(body) : null; } catch (e) { data = null; }
      if (!res.ok) throw fail("http", "HTTP " + res.status, { status: res.status, detail: data && data.detail });
      if (!data || typeof data !== "object") throw fail("format", "Bad response");
      return data;
    } finally {
      clearTimeout(timer);
      if (this.controller === controller) this.controller = null;
    }
  };

  W.loadConfig = function () {
    var self = this;
    this.request("/api/config", { method: "GET", headers: { Accept: "application/json" } }).then(function (cfg) {
      if (!self.opts.title && text(cfg.title)) {
        self.title = text(cfg.title);
        self.titleEl.textContent = self.title;
        self.updateLauncher();
      }
      if (!self.opts.greeting && text(cfg.greeting)) {
        self.greeting = text(cfg.greeting);
        if (self.greetingText) self.greetingText.textContent = self.greeting;
      }
      var contact = self.opts.contactUrl || safeUrl(cfg.contact_url, true);
      var changed = contact !== self.contactUrl;
      self.contactUrl = contact;
      self.limits = normaliseLimits(cfg.limits, self.limits);
      self.updateCounter();
      var s = normaliseSuggestions(cfg.suggestions, self.limits.maxMessage).slice(0, 3);
      if (s.length) self.starters = s;
      if (changed && self.messages.length) self.renderAll();
      else self.renderStarters();
    }, function () { /* keep the data-greeting / built-in fallbacks and DEFAULT_LIMITS */ });
  };

  W.errorText = function (err) {
    if (err.kind === "timeout" || err.kind === "network" || err.kind === "format") return this.t(err.kind);
    if (err.kind !== "http") return this.t("other");
    var detail = err.detail;
    var msg = "";
    if (typeof detail === "string") msg = detail;
    else if (Array.isArray(detail) && detail.length && detail[0] && typeof detail[0].msg === "string") msg = detail[0].msg;
    msg = msg.trim().slice(0, 300);
    var tail = msg ? ": " + msg + (/[.!?]$/.test(msg) ? "" : ".") : ".";
    if (err.status === 422) return this.t("rejected", { detail: tail });
    if (err.status === 429) return this.t("busy");
    return this.t("http", { status: err.status, detail: tail });
  };

  W.setBusy = function (busy) {
    this.busy = busy;
    this.input.disabled = busy;
    this.typing.hidden = !busy;
    this.log.setAttribute("aria-busy", busy ? "true" : "false");
    this.updateCounter();
  };

  W.submitInput = function () {
    if (this.busy) return;
    var question = this.input.value.trim();
    if (!question) return;
    if (!this.updateCounter()) {
      this.announce(this.counter.textContent);
      return;
    }
    this.input.value = "";
    this.autosize();
    this.updateCounter();
    this.send(question);
  };

  W.retry = function () {
    var last = this.messages[this.messages.length - 1];
    if (!last || last.role !== "user") { this.clearError(); return; }
    this.send(last.content, { retry: true });
  };

  W.send = function (question, o) {
    o = o || {};
    var self = this;
    var limits = this.limits;
    question = str(question).trim();
    if (this.busy || !question) return Promise.resolve();
    if (question.length > limits.maxMessage) {
      this.emit("error", { kind: "too_long", message: this.t("tooLong", { n: question.length - limits.maxMessage }) });
      return Promise.resolve();
    }
    if (!this.isOpen) this.open({ focus: false });
    this.undoBar.hidden = true;

    // Keep keyboard focus inside the dialog while controls are disabled.
    var active = this.shadow.activeElement;
    var focusWasInside = !!(active && this.panel.contains(active));
    if (focusWasInside) this.panel.focus({ preventScroll: true });

    this.clearError();
    if (!o.retry) {
      this.messages.push({ role: "user", content: question });
      this.save();
      this.appendMessage(this.messages[this.messages.length - 1]);
    }
    var history = this.messages.slice(0, -1).slice(-limits.maxHistory).map(function (m) {
      return { role: m.role, content: m.content.slice(0, limits.maxTurn) };
    });

    this.setBusy(true);
    var generation = this.generation = (this.generation || 0) + 1;
    return this.request("/api/chat", {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify({ message: question, history: history })
    }).then(function (data) {
      if (generation !== self.generation) return;
      if (typeof data.answer !== "string") {
        var bad = new Error("Bad response");
        bad.kind = "format";
        throw bad;
      }
      var msg = {
        role: "assistant", content: data.answer, answered: data.answered !== false, question: question,
        kind: typeof data.kind === "string" ? data.kind : null, citations: normaliseCitations(data.citations),
        blocks: normaliseBlocks(data.blocks), sources: data.sources ? normaliseSources(data.sources) : null,
        suggestions: normaliseSuggestions(data.suggestions, self.limits.maxMessage, question),
        replyId: typeof data.reply_id === "string" ? data.reply_id : ""
      };
      if (data.reply_id) msg.reply_id = str(data.reply_id);
      self.messages.push(msg);
      self.save();
      self.unread = !self.isOpen;
      self.updateLauncher();
      self.appendMessage(msg);
      self.announce(plainText(msg));
      self.emit("answer", { question: question, answer: data.answer, answered: msg.answered, kind: msg.kind,
        citations: data.citations || [], sources: data.sources || [], unread: self.unread });
    }).catch(function (err) {
      if (generation !== self.generation || err.kind === "aborted") return;
      var message = self.errorText(err);
      self.showError(message);
      self.emit("error", { kind: err.kind || "other", status: err.status || null, message: message });
    }).then(function () {
      if (generation !== self.generation) return;
      self.setBusy(false);
      var now = self.shadow.activeElement;
      if (self.isOpen && (now === self.panel || (focusWasInside && !now))) self.focusInput();
    });
  };

  // ------------------------------------------------------------------ feedback (thumbs)

  var ICON_UP = ["M7 10v11H4V10h3z", "M7 10l4-8a2 2 0 0 1 3 2l-1 5h6a2 2 0 0 1 2 2.3l-1.4 8A2 2 0 0 1 17.6 21H7"];
  var ICON_DOWN = ["M17 14V3h3v11h-3z", "M17 14l-4 8a2 2 0 0 1-3-2l1-5H5a2 2 0 0 1-2-2.3l1.4-8A2 2 0 0 1 6.4 3H17"];
  var FEEDBACK_CSS = [
    ".gb-actions { display: flex; flex-wrap: wrap; align-items: center; gap: 6px; margin-top: 6px; font-size: 13px; color: #4b5563; }",
    ".gb-fb-btn { display: inline-flex; align-items: center; justify-content: center; width: 32px; height: 32px; padding: 0; border: 1px solid #d1d5db; border-radius: 8px; background: #fff; color: #4b5563; cursor: pointer; }",
    ".gb-fb-btn[aria-pressed=true] { background: #eff6ff; border-color: #1d4ed8; color: #1d4ed8; }",
    ".gb-fb-btn:disabled { cursor: default; }",
    ".gb-fb-btn:focus-visible, .gb-fb-send:focus-visible { outline: 3px solid #1d4ed8; outline-offset: 1px; }",
    ".gb-fb-form { display: flex; flex-direction: column; gap: 6px; width: 100%; }",
    ".gb-fb-form textarea { box-sizing: border-box; width: 100%; min-height: 56px; padding: 6px 8px; font: inherit; font-size: 13px; border: 1px solid #d1d5db; border-radius: 8px; resize: vertical; }",
    ".gb-fb-send { align-self: flex-start; padding: 5px 12px; border: 0; border-radius: 8px; background: #1d4ed8; color: #fff; font: inherit; font-size: 13px; cursor: pointer; }"
  ].join("\n");

  // Adds thumbs up/down (and, after a thumbs down, an optional comment) to one answer element, in
  // its `.gb-actions` row (made when missing), and POSTs the rating to /api/feedback with the
  // reply's question and answer (the server checks them against the signed reply id).
  Widget.prototype.addFeedback = function (answerEl, msg) {
    var self = this;
    if (!this.feedbackStyled) {
      this.feedbackStyled = true;
      try {
        var sheet = new CSSStyleSheet();
        sheet.replaceSync(FEEDBACK_CSS);
        this.shadow.adoptedStyleSheets = this.shadow.adoptedStyleSheets.concat([sheet]);
      } catch (e) { this.shadow.appendChild(el("style", { text: FEEDBACK_CSS })); }
    }
    var row = answerEl.querySelector(".gb-actions");
    if (!row) row = answerEl.appendChild(el("div", { className: "gb-actions" }));
    var group = el("div", { className: "gb-fb", role: "group", "aria-label": "Was this answer helpful?" });
    var status = el("span", { className: "gb-fb-status", role: "status" });
    var up = el("button", { type: "button", className: "gb-fb-btn gb-fb-up", "aria-label": "Helpful", title: "Helpful" });
    var down = el("button", { type: "button", className: "gb-fb-btn gb-fb-down", "aria-label": "Not helpful", title: "Not helpful" });
    up.appendChild(icon(ICON_UP, 16));
    down.appendChild(icon(ICON_DOWN, 16));
    group.appendChild(up);
    group.appendChild(down);
    row.appendChild(group);
    row.appendChild(status);

    function mark(rating) {
      up.setAttribute("aria-pressed", String(rating === "up"));
      down.setAttribute("aria-pressed", String(rating === "down"));
      up.disabled = down.disabled = true;
    }
    function post(rating, comment) {
      var body = { reply_id: msg.replyId, rating: rating, question: str(msg.question), answer: str(msg.content) };
      if (comment) body.comment = comment.slice(0, 1000);
      status.textContent = "Sending…";
      return self.request("/api/feedback", {
        method: "POST", headers: { "Content-Type": "application/json", Accept: "application/json" },
        body: JSON.stringify(body)
      }).then(function () {
        msg.rated = rating;
        self.save();
        status.textContent = "Thanks for the feedback.";
        self.emit("feedback", { rating: rating, comment: comment || "", reply_id: msg.replyId });
      }, function () {
        up.disabled = down.disabled = false;
        status.textContent = "Couldn't send the feedback; please try again.";
      });
    }
    if (msg.rated) { mark(msg.rated); status.textContent = "Thanks for the feedback."; return; }
    up.addEventListener("click", function () { mark("up"); post("up"); });
    down.addEventListener("click", function () {
      mark("down");
      post("down");  // counted at once; a comment, if one is sent, replaces it (the latest rating wins)
      var box = el("textarea", { maxlength: "1000", "aria-label": "What was wrong? (optional)", placeholder: "What was wrong? (optional)" });
      var send = el("button", { type: "button", className: "gb-fb-send", text: "Send" });
      var form = el("div", { className: "gb-fb-form" }, [box, send]);
      row.appendChild(form);
      box.focus();
      send.addEventListener("click", function () {
        send.disabled = true;
        post("down", box.value.trim()).then(function () { if (msg.rated) form.remove(); else send.disabled = false; });
      });
    });
  };

  // ------------------------------------------------------------------ boot

  // The page's handle on the widget. Events: "open", "close", "answer" ({question, answer,
  // answered, kind, citations, sources, unread}), "error" ({kind, status, message}) and
  // "feedback" (fired by an answer's feedback controls, {rating, comment, reply_id}).
  var listeners = {};
  var api = {
    version: VERSION,
    __mounted: true,
    widget: null,
    strings: STRINGS,
    open: function () { if (api.widget) api.widget.open(); },
    close: function () { if (api.widget) api.widget.close(); },
    toggle: function () { if (api.widget) api.widget.toggle(); },
    reset: function () { if (api.widget) api.widget.reset({ undo: true }); },
    ask: function (q) { return api.widget ? api.widget.send(q) : Promise.resolve(); },
    on: function (name, fn) {
      if (typeof fn === "function") (listeners[name] = listeners[name] || []).push(fn);
      return api;
    },
    off: function (name, fn) {
      listeners[name] = (listeners[name] || []).filter(function (f) { return f !== fn; });
      return api;
    },
    _emit: function (name, detail) {
      (listeners[name] || []).slice().forEach(function (fn) {
        try { fn(detail); } catch (e) { if (window.console) console.error("guidebot: a '" + name + "' listener failed", e); }
      });
    }
  };
  window.Guidebot = api;

  function boot() {
    try {
      api.widget = new Widget(currentScript, api);
    } catch (e) {
      if (window.console) console.error("guidebot: failed to start", e);
    }
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", boot, { once: true });
  else boot();
})();
