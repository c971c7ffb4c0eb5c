/*!
 * guidebot chat widget: plain JavaScript, no build step, no dependencies.
 *
 * Embed with one tag:
 *   <script src="https://HOST/widget.js" defer></script>
 *
 * Optional data- attributes on that script tag:
 *   data-api-base   API origin (default: the origin widget.js was loaded from)
 *   data-title      panel title (default: from GET /api/config, else "Guidebot")
 *   data-greeting   greeting text (default: from GET /api/config)
 *   data-accent     CSS colour for buttons and user bubbles (default #1d4ed8)
 *   data-open       "true" opens the panel on page load
 *   data-position   "right" (default) or "left"
 *   data-timeout    request timeout in milliseconds (default 15000)
 *   data-mode       "page" renders a full-page chat (no launcher, always open)
 *   data-target     page mode only: CSS selector of the element to fill
 *
 * Everything lives inside one shadow root attached to a <guidebot-widget>
 * element; the only global is window.Guidebot. Text from users and from the
 * server is always inserted with textContent / createTextNode.
 */
(function () {
  "use strict";

  var VERSION = "1.0.0";
  var HOST_TAG = "guidebot-widget";
  var STORAGE_PREFIX = "guidebot:v1:";
  // The server's request limits, greeting and starter questions come from GET /api/config; the
  // values below are used until it answers, and if it fails. They equal the server's defaults
  // (guidebot.settings.Settings; a test keeps them in step).
  var DEFAULT_LIMITS = { maxMessage: 2000, maxHistory: 50, maxTurn: 20000 };
  var MAX_STORED_MESSAGES = 100;
  var DEFAULT_ACCENT = "#1d4ed8"; // 6.7:1 against white, both ways round
  var DEFAULT_TITLE = "Guidebot";
  var DEFAULT_GREETING = "Hi! Ask me a question; every answer cites its source.";
  var FALLBACK_STARTERS = [
    "What are the admission requirements?",
    "How much does tuition cost?",
    "Can international students work after graduating?"
  ];

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
    timeout = Math.max(500, timeout);
    var accent = (ds.accent || "").trim();
    if (!accent || !(window.CSS && CSS.supports && CSS.supports("color", accent))) accent = DEFAULT_ACCENT;
    return {
      apiBase: apiBase,
      title: ds.title && ds.title.trim() ? ds.title.trim() : null,
      greeting: ds.greeting && ds.greeting.trim() ? ds.greeting.trim() : null,
      accent: accent,
      open: ds.open === "true" || ds.open === "",
      position: ds.position === "left" ? "left" : "right",
      timeout: timeout,
      mode: ds.mode === "page" ? "page" : "widget",
      target: ds.target || null
    };
  }

  // ---------------------------------------------------------------- helpers

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    if (attrs) {
      for (var k in attrs) {
        if (!Object.prototype.hasOwnProperty.call(attrs, k)) continue;
        var v = attrs[k];
        if (v === null || v === undefined || v === false) continue;
        if (k === "className") node.className = v;
        else if (k === "text") node.textContent = v;
        else if (k === "hidden") node.hidden = true;
        else node.setAttribute(k, v === true ? "" : String(v));
      }
    }
    if (children) {
      for (var i = 0; i < children.length; i++) {
        var c = children[i];
        if (c === null || c === undefined) continue;
        node.appendChild(typeof c === "string" ? document.createTextNode(c) : c);
      }
    }
    return node;
  }

  var SVG_NS = "http://www.w3.org/2000/svg";
  function icon(paths, size) {
    var svg = document.createElementNS(SVG_NS, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("width", String(size || 22));
    svg.setAttribute("height", String(size || 22));
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    for (var i = 0; i < paths.length; i++) {
      var p = document.createElementNS(SVG_NS, "path");
      p.setAttribute("d", paths[i]);
      p.setAttribute("fill", "none");
      p.setAttribute("stroke", "currentColor");
      p.setAttribute("stroke-width", "2");
      p.setAttribute("stroke-linecap", "round");
      p.setAttribute("stroke-linejoin", "round");
      svg.appendChild(p);
    }
    return svg;
  }
  var ICON_CHAT = ["M21 12a8 8 0 0 1-11.6 7.1L4 20.5l1.4-4.9A8 8 0 1 1 21 12z"];
  var ICON_CLOSE = ["M6 6l12 12", "M18 6L6 18"];
  var ICON_SEND = ["M4 12l16-8-6 16-2.5-6.5L4 12z"];
  var ICON_NEW = ["M12 5v14", "M5 12h14"];

  function safeHttpUrl(u) {
    if (typeof u !== "string" || !u) return null;
    try {
      var parsed = new URL(u);
      return parsed.protocol === "http:" || parsed.protocol === "https:" ? parsed.href : null;
    } catch (e) {
      return null;
    }
  }

  // Append text, turning bare http(s) URLs into links (built with createElement, never HTML).
  var URL_RE = /https?:\/\/[^\s<>"'\]\[()]+/g;
  function appendLinkified(parent, text) {
    var last = 0, m;
    URL_RE.lastIndex = 0;
    while ((m = URL_RE.exec(text)) !== null) {
      var raw = m[0].replace(/[.,;:!?]+$/, "");
      var href = safeHttpUrl(raw);
      if (!href) continue;
      if (m.index > last) parent.appendChild(document.createTextNode(text.slice(last, m.index)));
      parent.appendChild(el("a", { className: "gb-link", href: href, target: "_blank", rel: "noopener noreferrer", text: raw }));
      last = m.index + raw.length;
      URL_RE.lastIndex = last;
    }
    if (last < text.length) parent.appendChild(document.createTextNode(text.slice(last)));
  }

  function str(v) { return typeof v === "string" ? v : v === null || v === undefined ? "" : String(v); }

  function normaliseCitations(list) {
    if (!Array.isArray(list)) return [];
    var out = [];
    for (var i = 0; i < list.length && out.length < 50; i++) {
      var c = list[i];
      if (!c || typeof c !== "object") continue;
      var id = parseInt(c.id, 10);
      if (!isFinite(id)) continue;
      out.push({
        id: id,
        title: str(c.title) || str(c.doc_id) || "Source " + id,
        section: c.section ? str(c.section) : "",
        url: c.url ? str(c.url) : "",
        quote: str(c.quote)
      });
    }
    return out;
  }

  function normaliseSuggestions(list, maxChars) {
    if (!Array.isArray(list)) return [];
    var out = [];
    for (var i = 0; i < list.length && out.length < 5; i++) {
      var s = str(list[i]).trim();
      if (s && s.length <= maxChars) out.push(s);
    }
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

  // Relative luminance / contrast (WCAG 2.x) for choosing text on the accent.
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

  // ---------------------------------------------------------------- styles

  var CSS_TEXT = [
    ":host { all: initial; }",
    "*, *::before, *::after { box-sizing: border-box; }",
    "[hidden] { display: none !important; }",
    ".gb-root { all: initial; display: block; font-family: system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif;",
    "  font-size: 15px; line-height: 1.45; color: #1f2937; -webkit-font-smoothing: antialiased; text-align: left; direction: ltr;",
    "  --gb-accent: " + DEFAULT_ACCENT + "; --gb-on-accent: #ffffff; --gb-accent-text: " + DEFAULT_ACCENT + "; }",
    /* :where() keeps these resets at element specificity so component classes win. */
    ":where(.gb-root) :where(button, textarea, a, p, ol, li, blockquote, h2) { font: inherit; color: inherit; margin: 0; }",
    ":where(.gb-root) button { cursor: pointer; }",
    ".gb-root :focus-visible { outline: 3px solid var(--gb-accent-text); outline-offset: 2px; }",
    ".gb-sr { position: absolute !important; width: 1px; height: 1px; padding: 0; margin: -1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; border: 0; }",

    /* launcher */
    ".gb-launcher { position: fixed; bottom: 20px; right: 20px; width: 60px; height: 60px; border-radius: 50%; border: 0; padding: 0;",
    "  display: flex; align-items: center; justify-content: center; background: var(--gb-accent); color: var(--gb-on-accent);",
    "  box-shadow: 0 6px 20px rgba(15, 23, 42, .28); transition: transform .15s ease; }",
    ".gb-launcher:hover { transform: scale(1.05); }",
    ".gb-root[data-position=left] .gb-launcher { right: auto; left: 20px; }",

    /* panel */
    ".gb-panel { position: fixed; bottom: 92px; right: 20px; width: 390px; height: 620px; max-height: calc(100vh - 112px);",
    "  display: flex; flex-direction: column; background: #ffffff; color: #1f2937; border-radius: 16px; overflow: hidden;",
    "  border: 1px solid #d1d5db; box-shadow: 0 16px 48px rgba(15, 23, 42, .25); }",
    ".gb-panel:focus { outline: none; }",
    ".gb-root[data-position=left] .gb-panel { right: auto; left: 20px; }",
    ".gb-root[data-mode=page] .gb-panel { position: absolute; inset: 0; width: auto; height: auto; max-height: none; border-radius: 0; border: 0; box-shadow: none; }",
    ".gb-root[data-mode=page] .gb-close { display: none; }",
    ".gb-root[data-mode=page] .gb-log-inner, .gb-root[data-mode=page] .gb-form-inner, .gb-root[data-mode=page] .gb-foot { max-width: 820px; margin-left: auto; margin-right: auto; width: 100%; }",

    ".gb-header { display: flex; align-items: center; gap: 8px; padding: 12px 12px 12px 16px; background: var(--gb-accent); color: var(--gb-on-accent); flex: none; }",
    ".gb-title { margin: 0; font-size: 16px; font-weight: 650; flex: 1; min-width: 0; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; color: inherit; }",
    ".gb-hbtn { display: inline-flex; align-items: center; gap: 4px; border: 1px solid currentColor; background: transparent; color: inherit;",
    "  border-radius: 8px; padding: 5px 9px; font-size: 13px; line-height: 1.2; }",
    ".gb-hbtn:hover { background: rgba(255, 255, 255, .14); }",
    ".gb-close { border-color: transparent; padding: 4px; }",
    ".gb-header :focus-visible { outline-color: var(--gb-on-accent); }",

    ".gb-log { flex: 1; overflow-y: auto; padding: 16px 14px 8px; background: #ffffff; overscroll-behavior: contain; }",
    ".gb-log-inner { display: flex; flex-direction: column; gap: 12px; }",
    ".gb-msg { display: flex; flex-direction: column; max-width: 100%; }",
    ".gb-msg-user { align-items: flex-end; }",
    ".gb-msg-assistant { align-items: flex-start; }",
    ".gb-bubble { padding: 10px 13px; border-radius: 14px; white-space: pre-wrap; overflow-wrap: anywhere; max-width: 88%; }",
    ".gb-msg-assistant .gb-bubble, .gb-detail, .gb-sources { max-width: 94%; }",
    ".gb-msg-user .gb-bubble { background: var(--gb-accent); color: var(--gb-on-accent); border-bottom-right-radius: 4px; }",
    ".gb-msg-assistant .gb-bubble { background: #f3f4f6; color: #111827; border-bottom-left-radius: 4px; }",
    ".gb-msg-unanswered .gb-bubble { background: #fffbeb; border: 1px solid #f59e0b; }",
    ".gb-greeting .gb-bubble { background: #f3f4f6; }",

    ".gb-chip { display: inline-flex; align-items: center; justify-content: center; min-width: 22px; height: 20px; padding: 0 5px; margin: 0 1px;",
    "  border-radius: 10px; border: 1px solid var(--gb-accent-text); background: #ffffff; color: var(--gb-accent-text);",
    "  font-size: 12px; font-weight: 650; line-height: 1; vertical-align: 2px; }",
    ".gb-chip:hover, .gb-chip[aria-expanded=true] { background: var(--gb-accent); border-color: var(--gb-accent); color: var(--gb-on-accent); }",

    ".gb-detail { margin-top: 8px; width: 94%; border: 1px solid #d1d5db; border-left: 4px solid var(--gb-accent); border-radius: 8px;",
    "  padding: 10px 12px; background: #ffffff; font-size: 14px; position: relative; }",
    ".gb-detail-title { margin: 0 26px 2px 0; font-weight: 650; color: #111827; }",
    ".gb-detail-section { margin: 0 0 6px; color: #4b5563; font-size: 13px; }",
    ".gb-quote { margin: 0 0 6px; padding: 0; font-style: italic; color: #1f2937; white-space: pre-wrap; overflow-wrap: anywhere; }",
    ".gb-detail-x { position: absolute; top: 6px; right: 6px; border: 0; background: transparent; color: #4b5563; padding: 2px; border-radius: 6px; display: inline-flex; }",
    ".gb-link { color: var(--gb-accent-text); text-decoration: underline; overflow-wrap: anywhere; }",

    ".gb-sources { margin-top: 8px; font-size: 13px; color: #4b5563; }",
    ".gb-sources-h { margin: 0 0 2px; font-weight: 650; font-size: 12px; text-transform: uppercase; letter-spacing: .04em; color: #4b5563; }",
    ".gb-sources ol { margin: 0; padding: 0; list-style: none; }",
    ".gb-sources li { margin: 2px 0; overflow-wrap: anywhere; }",
    ".gb-src-n { font-weight: 650; color: #374151; margin-right: 4px; }",

    ".gb-suggestions { display: flex; flex-wrap: wrap; gap: 6px; margin-top: 8px; max-width: 100%; }",
    ".gb-suggestion { border: 1px solid var(--gb-accent-text); color: var(--gb-accent-text); background: #ffffff; border-radius: 16px;",
    "  padding: 6px 11px; font-size: 13px; line-height: 1.3; text-align: left; }",
    ".gb-suggestion:hover { background: #eff6ff; }",
    ".gb-suggestion:disabled { opacity: .6; cursor: default; }",

    ".gb-error { display: flex; flex-wrap: wrap; align-items: center; gap: 8px; padding: 10px 12px; border-radius: 10px;",
    "  background: #fef2f2; color: #991b1b; border: 1px solid #fca5a5; font-size: 14px; }",
    ".gb-error-text { flex: 1 1 180px; margin: 0; }",
    ".gb-retry { border: 1px solid #991b1b; background: #ffffff; color: #991b1b; border-radius: 8px; padding: 5px 12px; font-weight: 600; }",
    ".gb-retry:hover { background: #fee2e2; }",

    ".gb-typing { display: flex; align-items: center; gap: 8px; padding: 4px 18px 8px; color: #4b5563; font-size: 13px; flex: none; }",
    ".gb-dots { display: inline-flex; gap: 4px; }",
    ".gb-dots span { width: 7px; height: 7px; border-radius: 50%; background: #6b7280; animation: gb-bounce 1.1s infinite ease-in-out; }",
    ".gb-dots span:nth-child(2) { animation-delay: .15s; } .gb-dots span:nth-child(3) { animation-delay: .3s; }",
    "@keyframes gb-bounce { 0%, 80%, 100% { transform: translateY(0); opacity: .5; } 40% { transform: translateY(-4px); opacity: 1; } }",

    ".gb-form { flex: none; border-top: 1px solid #e5e7eb; padding: 10px 12px; background: #ffffff; }",
    ".gb-form-inner { display: flex; align-items: flex-end; gap: 8px; }",
    ".gb-input { flex: 1; min-width: 0; resize: none; border: 1px solid #6b7280; border-radius: 10px; padding: 9px 11px; min-height: 42px; max-height: 140px;",
    "  background: #ffffff; color: #111827; line-height: 1.4; font-size: 15px; display: block; }",
    ".gb-input::placeholder { color: #6b7280; }",
    ".gb-input:disabled { background: #f3f4f6; color: #4b5563; }",
    ".gb-input:focus { outline: 3px solid var(--gb-accent-text); outline-offset: 0; border-color: var(--gb-accent-text); }",
    ".gb-send { flex: none; width: 42px; height: 42px; border: 0; border-radius: 10px; background: var(--gb-accent); color: var(--gb-on-accent);",
    "  display: inline-flex; align-items: center; justify-content: center; padding: 0; }",
    ".gb-send:disabled { opacity: .55; cursor: default; }",
    ".gb-foot { margin: 0; padding: 0 14px 8px; font-size: 12px; color: #4b5563; background: #ffffff; flex: none; }",
    ".gb-hint { margin: 4px 0 0; }",

    "@media (max-width: 479.98px) {",
    "  .gb-root[data-mode=widget] .gb-panel { inset: 0; width: auto; height: auto; max-height: none; border-radius: 0; border: 0; box-shadow: none; }",
    "  .gb-root[data-mode=widget][data-open=true] .gb-launcher { display: none; }",
    "  .gb-msg-user .gb-bubble { max-width: 94%; }",
    "}",
    "@media (prefers-reduced-motion: reduce) { .gb-dots span { animation: none; opacity: .8; } .gb-launcher { transition: none; } }",
    "@media print { .gb-launcher, .gb-panel { display: none; } }"
  ].join("\n");

  // ---------------------------------------------------------------- widget

  function Widget(script) {
    this.opts = readOptions(script);
    this.storageKey = STORAGE_PREFIX + this.opts.apiBase + ":" + this.opts.mode;
    this.messages = [];
    this.isOpen = false;
    this.busy = false;
    this.title = this.opts.title || DEFAULT_TITLE;
    this.greeting = this.opts.greeting || DEFAULT_GREETING;
    this.starters = FALLBACK_STARTERS.slice();
    this.limits = DEFAULT_LIMITS;
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

  Widget.prototype.mount = function () {
    var self = this;
    var opts = this.opts;
    var host = document.createElement(HOST_TAG);
    this.host = host;
    var hs = host.style;
    // The host lives in the page's light DOM: protect it with inline !important.
    hs.setProperty("all", "initial", "important");
    var targetEl = null;
    if (opts.mode === "page" && opts.target) {
      try { targetEl = document.querySelector(opts.target); } catch (e) { targetEl = null; }
    }
    if (opts.mode === "page" && targetEl) {
      hs.setProperty("display", "block", "important");
      hs.setProperty("position", "relative", "important");
      hs.setProperty("width", "100%", "important");
      hs.setProperty("height", "100%", "important");
      hs.setProperty("min-height", "320px", "important");
    } else if (opts.mode === "page") {
      hs.setProperty("display", "block", "important");
      hs.setProperty("position", "fixed", "important");
      hs.setProperty("inset", "0", "important");
      hs.setProperty("z-index", "2147483000", "important");
    } else {
      hs.setProperty("display", "block", "important");
      hs.setProperty("position", "fixed", "important");
      hs.setProperty("bottom", "0", "important");
      hs.setProperty(opts.position, "0", "important");
      hs.setProperty("width", "0", "important");
      hs.setProperty("height", "0", "important");
      hs.setProperty("overflow", "visible", "important");
      hs.setProperty("z-index", "2147483000", "important");
    }
    hs.setProperty("visibility", "visible", "important");
    hs.setProperty("opacity", "1", "important");
    hs.setProperty("pointer-events", "auto", "important");
    hs.setProperty("transform", "none", "important");
    hs.setProperty("filter", "none", "important");
    hs.setProperty("contain", "none", "important");

    var shadow = host.attachShadow({ mode: "open" });
    this.shadow = shadow;
    var sheetDone = false;
    try {
      if ("adoptedStyleSheets" in shadow && typeof CSSStyleSheet === "function") {
        var sheet = new CSSStyleSheet();
        sheet.replaceSync(CSS_TEXT);
        shadow.adoptedStyleSheets = [sheet];
        sheetDone = true;
      }
    } catch (e) { sheetDone = false; }
    if (!sheetDone) shadow.appendChild(el("style", { text: CSS_TEXT }));

    var root = el("div", { className: "gb-root", "data-mode": opts.mode, "data-position": opts.position, "data-open": "false" });
    this.root = root;

    // Launcher
    this.launcher = el("button", {
      type: "button", className: "gb-launcher", "aria-label": "Open chat: " + this.title,
      "aria-expanded": "false", "aria-controls": "gb-panel"
    }, [icon(ICON_CHAT, 28)]);
    this.launcher.addEventListener("click", function () { self.toggle(); });
    if (opts.mode === "page") this.launcher.hidden = true;

    // Panel
    this.titleEl = el("h2", { className: "gb-title", id: "gb-title", text: this.title });
    this.newBtn = el("button", { type: "button", className: "gb-hbtn gb-new", "aria-label": "New conversation" },
      [icon(ICON_NEW, 15), "New conversation"]);
    this.newBtn.addEventListener("click", function () { self.reset(); });
    this.closeBtn = el("button", { type: "button", className: "gb-hbtn gb-close", "aria-label": "Close chat" }, [icon(ICON_CLOSE, 20)]);
    this.closeBtn.addEventListener("click", function () { self.close(); });
    var header = el("div", { className: "gb-header" }, [this.titleEl, this.newBtn, this.closeBtn]);

    this.logInner = el("div", { className: "gb-log-inner" });
    this.log = el("div", {
      className: "gb-log", role: "log", "aria-live": "polite", "aria-relevant": "additions",
      "aria-label": "Conversation", tabindex: "-1"
    }, [this.logInner]);

    this.typing = el("div", { className: "gb-typing", role: "status", hidden: true }, [
      el("span", { className: "gb-dots", "aria-hidden": "true" }, [el("span"), el("span"), el("span")]),
      el("span", { text: "Looking that up…" })
    ]);

    this.input = el("textarea", {
      className: "gb-input", id: "gb-input", rows: "1", maxlength: String(this.limits.maxMessage),
      placeholder: "Ask about MS in ML programs…", "aria-label": "Your question",
      "aria-describedby": "gb-hint", enterkeyhint: "send", autocomplete: "off"
    });
    this.sendBtn = el("button", { type: "submit", className: "gb-send", "aria-label": "Send message" }, [icon(ICON_SEND, 20)]);
    var form = el("form", { className: "gb-form", novalidate: true }, [
      el("div", { className: "gb-form-inner" }, [this.input, this.sendBtn]),
      el("p", { className: "gb-sr", id: "gb-hint", text: "Press Enter to send, Shift+Enter for a new line." })
    ]);
    form.addEventListener("submit", function (e) { e.preventDefault(); self.submitInput(); });
    this.input.addEventListener("keydown", function (e) {
      if (e.key === "Enter" && !e.shiftKey && !e.isComposing && e.keyCode !== 229) {
        e.preventDefault();
        self.submitInput();
      }
    });
    this.input.addEventListener("input", function () { self.autosize(); });

    var foot = el("p", { className: "gb-foot", text: "Answers come from a curated guide and program notes. Always confirm details with the university." });

    this.panel = el("div", {
      // A non-modal dialog in widget mode; in page mode the chat is the page's main region.
      className: "gb-panel", id: "gb-panel", role: opts.mode === "page" ? "region" : "dialog",
      "aria-modal": opts.mode === "page" ? null : "false",
      "aria-label": this.title + " chat", tabindex: "-1", hidden: true
    }, [header, this.log, this.typing, form, foot]);
    this.panel.addEventListener("keydown", function (e) {
      if ((e.key === "Escape" || e.key === "Esc") && self.opts.mode !== "page") {
        e.preventDefault();
        e.stopPropagation();
        self.close();
      }
    });

    root.appendChild(this.launcher);
    root.appendChild(this.panel);
    shadow.appendChild(root);

    (targetEl || document.body || document.documentElement).appendChild(host);
  };

  Widget.prototype.applyAccent = function () {
    var accent = this.opts.accent;
    this.root.style.setProperty("--gb-accent", accent);
    var probe = el("span", { "aria-hidden": "true" });
    probe.style.color = accent;
    probe.style.display = "none";
    this.root.appendChild(probe);
    var rgb = parseRgb(getComputedStyle(probe).color);
    probe.remove();
    if (!rgb) return;
    var white = [255, 255, 255], dark = [17, 24, 39];
    this.root.style.setProperty("--gb-on-accent", contrast(rgb, white) >= contrast(rgb, dark) ? "#ffffff" : "#111827");
    this.root.style.setProperty("--gb-accent-text", contrast(rgb, white) >= 4.5 ? accent : "#1f2937");
  };

  // ------------------------------------------------------------ persistence

  Widget.prototype.restore = function () {
    this.wasOpen = false;
    try {
      var raw = window.sessionStorage.getItem(this.storageKey);
      if (!raw) return;
      var data = JSON.parse(raw);
      if (!data || !Array.isArray(data.messages)) return;
      this.messages = data.messages.filter(function (m) {
        return m && (m.role === "user" || m.role === "assistant") && typeof m.content === "string";
      }).slice(-MAX_STORED_MESSAGES);
      this.wasOpen = data.open === true;
    } catch (e) { this.messages = []; }
  };

  Widget.prototype.save = function () {
    try {
      window.sessionStorage.setItem(this.storageKey, JSON.stringify({
        v: 1, open: this.isOpen, messages: this.messages.slice(-MAX_STORED_MESSAGES)
      }));
    } catch (e) { /* storage full or blocked: the conversation still works */ }
  };

  // ------------------------------------------------------------- rendering

  Widget.prototype.renderAll = function () {
    this.logInner.textContent = "";
    this.errorEl = null;
    this.logInner.appendChild(this.renderGreeting());
    for (var i = 0; i < this.messages.length; i++) this.logInner.appendChild(this.renderMessage(this.messages[i]));
    var last = this.messages[this.messages.length - 1];
    if (last && last.role === "user") {
      this.showError("The last question didn't get an answer.");
    }
    this.scrollToBottom();
  };

  Widget.prototype.renderGreeting = function () {
    var wrap = el("div", { className: "gb-msg gb-msg-assistant gb-greeting" });
    this.greetingText = el("div", { className: "gb-bubble", text: this.greeting });
    wrap.appendChild(this.greetingText);
    this.startersEl = el("div", { className: "gb-suggestions gb-starters", role: "group", "aria-label": "Suggested questions" });
    wrap.appendChild(this.startersEl);
    this.renderStarters();
    return wrap;
  };

  Widget.prototype.renderStarters = function () {
    if (!this.startersEl) return;
    this.startersEl.textContent = "";
    this.startersEl.hidden = this.messages.length > 0;
    for (var i = 0; i < this.starters.length; i++) this.startersEl.appendChild(this.suggestionButton(this.starters[i]));
  };

  Widget.prototype.suggestionButton = function (q) {
    var self = this;
    var b = el("button", { type: "button", className: "gb-suggestion", "aria-label": "Ask: " + q, text: q });
    b.addEventListener("click", function () { self.send(q); });
    return b;
  };

  Widget.prototype.renderMessage = function (msg) {
    if (msg.role === "user") {
      return el("div", { className: "gb-msg gb-msg-user" }, [
        el("span", { className: "gb-sr", text: "You said:" }),
        el("div", { className: "gb-bubble", text: msg.content })
      ]);
    }
    return this.renderAnswer(msg);
  };

  Widget.prototype.renderAnswer = function (msg) {
    var citations = normaliseCitations(msg.citations);
    var byId = {};
    for (var i = 0; i < citations.length; i++) if (!byId[citations[i].id]) byId[citations[i].id] = citations[i];

    var wrap = el("div", { className: "gb-msg gb-msg-assistant" + (msg.answered === false ? " gb-msg-unanswered" : "") });
    wrap.appendChild(el("span", { className: "gb-sr", text: this.title + " said:" }));
    var bubble = el("div", { className: "gb-bubble" });
    var detail = el("div", { className: "gb-detail", role: "region", "aria-label": "Source details", hidden: true });

    // Split on [n]: even indices are text, odd indices are citation numbers.
    var parts = str(msg.content).split(/\[(\d+)\]/);
    for (var p = 0; p < parts.length; p++) {
      if (p % 2 === 0) {
        if (parts[p]) appendLinkified(bubble, parts[p]);
        continue;
      }
      var cite = byId[parseInt(parts[p], 10)];
      if (!cite) {
        bubble.appendChild(document.createTextNode("[" + parts[p] + "]"));
        continue;
      }
      bubble.appendChild(this.chip(cite, detail));
    }
    wrap.appendChild(bubble);
    wrap.appendChild(detail);

    if (citations.length) {
      var ol = el("ol");
      for (var j = 0; j < citations.length; j++) {
        var c = citations[j];
        var href = safeHttpUrl(c.url);
        var li = el("li", null, [el("span", { className: "gb-src-n", text: "[" + c.id + "]" })]);
        if (href) {
          li.appendChild(el("a", { className: "gb-link", href: href, target: "_blank", rel: "noopener noreferrer", text: c.title }));
        } else {
          li.appendChild(el("span", { text: c.title }));
        }
        if (c.section) li.appendChild(document.createTextNode(" — " + c.section));
        ol.appendChild(li);
      }
      wrap.appendChild(el("div", { className: "gb-sources", role: "group", "aria-label": "Sources" }, [
        el("p", { className: "gb-sources-h", "aria-hidden": "true", text: "Sources" }), ol
      ]));
    }

    var sugg = normaliseSuggestions(msg.suggestions, this.limits.maxMessage);
    if (sugg.length) {
      var box = el("div", { className: "gb-suggestions", role: "group", "aria-label": "Suggested follow-up questions" });
      for (var k = 0; k < sugg.length; k++) box.appendChild(this.suggestionButton(sugg[k]));
      wrap.appendChild(box);
    }
    if (msg.replyId) this.addFeedback(wrap, msg);
    return wrap;
  };

  Widget.prototype.chip = function (cite, detail) {
    var self = this;
    var b = el("button", {
      type: "button", className: "gb-chip", "aria-expanded": "false",
      "aria-label": "Source " + cite.id + ": " + cite.title, title: cite.title, text: String(cite.id)
    });
    b.addEventListener("click", function () { self.toggleDetail(b, cite, detail); });
    return b;
  };

  Widget.prototype.toggleDetail = function (chipBtn, cite, detail) {
    var wasThis = !detail.hidden && detail._chip === chipBtn;
    var msgEl = detail.parentNode;
    if (msgEl) {
      var chips = msgEl.querySelectorAll(".gb-chip");
      for (var i = 0; i < chips.length; i++) chips[i].setAttribute("aria-expanded", "false");
    }
    if (wasThis) {
      detail.hidden = true;
      detail._chip = null;
      return;
    }
    detail.textContent = "";
    detail._chip = chipBtn;
    chipBtn.setAttribute("aria-expanded", "true");
    var closeX = el("button", { type: "button", className: "gb-detail-x", "aria-label": "Close source details" }, [icon(ICON_CLOSE, 16)]);
    closeX.addEventListener("click", function () {
      detail.hidden = true;
      detail._chip = null;
      chipBtn.setAttribute("aria-expanded", "false");
      chipBtn.focus();
    });
    detail.appendChild(closeX);
    detail.appendChild(el("p", { className: "gb-detail-title", text: "[" + cite.id + "] " + cite.title }));
    if (cite.section) detail.appendChild(el("p", { className: "gb-detail-section", text: cite.section }));
    if (cite.quote) detail.appendChild(el("blockquote", { className: "gb-quote", text: "“" + cite.quote + "”" }));
    var href = safeHttpUrl(cite.url);
    if (href) {
      detail.appendChild(el("a", { className: "gb-link gb-detail-link", href: href, target: "_blank", rel: "noopener noreferrer", text: "Open source" }));
    }
    detail.hidden = false;
    if (detail.scrollIntoView) detail.scrollIntoView({ block: "nearest" });
  };

  Widget.prototype.scrollToBottom = function () {
    var log = this.log;
    if (log) log.scrollTop = log.scrollHeight;
  };

  Widget.prototype.appendMessage = function (msg) {
    var node = this.renderMessage(msg);
    this.logInner.appendChild(node);
    this.renderStarters();
    if (msg.role !== "assistant") {
      this.scrollToBottom();
      return;
    }
    // Show the question and the start of its answer, rather than jumping past a long answer.
    var log = this.log;
    var logTop = log.getBoundingClientRect().top;
    var offset = function (n) { return log.scrollTop + n.getBoundingClientRect().top - logTop; };
    var answerTop = offset(node) - 8;
    var question = node.previousElementSibling;
    var bubble = node.querySelector(".gb-bubble");
    var target = answerTop;
    if (question && question.classList.contains("gb-msg-user") && bubble) {
      var questionTop = offset(question) - 8;
      if (offset(bubble) + bubble.offsetHeight - questionTop <= log.clientHeight) target = questionTop;
    }
    log.scrollTop = Math.max(0, target);
  };

  Widget.prototype.clearError = function () {
    if (this.errorEl && this.errorEl.parentNode) this.errorEl.parentNode.removeChild(this.errorEl);
    this.errorEl = null;
  };

  Widget.prototype.showError = function (text) {
    var self = this;
    this.clearError();
    var retry = el("button", { type: "button", className: "gb-retry", "aria-label": "Retry sending your question", text: "Retry" });
    retry.addEventListener("click", function () { self.retry(); });
    this.errorEl = el("div", { className: "gb-error", role: "alert" }, [el("p", { className: "gb-error-text", text: text }), retry]);
    this.logInner.appendChild(this.errorEl);
    this.scrollToBottom();
  };

  Widget.prototype.autosize = function () {
    var t = this.input;
    t.style.height = "auto";
    t.style.height = Math.min(t.scrollHeight + 2, 140) + "px";
  };

  // ---------------------------------------------------------- open / close

  Widget.prototype.open = function (o) {
    o = o || {};
    this.isOpen = true;
    this.panel.hidden = false;
    this.root.setAttribute("data-open", "true");
    this.launcher.setAttribute("aria-expanded", "true");
    this.launcher.setAttribute("aria-label", "Close chat: " + this.title);
    this.launcher.replaceChildren(icon(ICON_CLOSE, 26));
    if (o.persist !== false) this.save();
    this.scrollToBottom();
    if (o.focus !== false) {
      var input = this.input;
      if (!input.disabled) input.focus(); else this.panel.focus();
    }
  };

  Widget.prototype.close = function () {
    if (this.opts.mode === "page") return;
    this.isOpen = false;
    this.panel.hidden = true;
    this.root.setAttribute("data-open", "false");
    this.launcher.setAttribute("aria-expanded", "false");
    this.launcher.setAttribute("aria-label", "Open chat: " + this.title);
    this.launcher.replaceChildren(icon(ICON_CHAT, 28));
    this.save();
    this.launcher.focus();
  };

  Widget.prototype.toggle = function () {
    if (this.isOpen) this.close(); else this.open();
  };

  Widget.prototype.reset = function () {
    this.generation = (this.generation || 0) + 1; // drop any answer still in flight
    if (this.controller) { try { this.controller.abort(); } catch (e) { /* ignore */ } }
    this.messages = [];
    try { window.sessionStorage.removeItem(this.storageKey); } catch (e) { /* ignore */ }
    this.save();
    this.setBusy(false);
    this.renderAll();
    this.input.value = "";
    this.autosize();
    if (this.isOpen) this.input.focus();
  };

  // -------------------------------------------------------------- network

  // fetch with a hard timeout. Rejects with an Error whose .kind is one of
  // "timeout" | "aborted" | "network" | "http" (with .status/.detail) | "format".
  Widget.prototype.request = async function (path, init) {
    var controller = new AbortController();
    var timedOut = false;
    var timer = setTimeout(function () { timedOut = true; controller.abort(); }, this.opts.timeout);
    if (path === "/api/chat") this.controller = controller;
    try {
      var res, body;
      try {
        res = await fetch(this.opts.apiBase + path, Object.assign({}, init, {
          signal: controller.signal, credentials: "omit", mode: "cors", cache: "no-store"
        }));
        body = await res.text();
      } catch (e) {
        var netErr = new Error(e && e.message ? e.message : "Network error");
        netErr.kind = timedOut ? "timeout" : (e && e.name === "AbortError" ? "aborted" : "network");
        throw netErr;
      }
      var data = null;
      try { data = body ? JSON.parse(body) : null; } catch (e) { data = null; }
      if (!res.ok) {
        var err = new Error("HTTP " + res.status);
        err.kind = "http";
        err.status = res.status;
        err.detail = data && data.detail;
        throw err;
      }
      if (!data || typeof data !== "object") {
        var bad = new Error("Bad response");
        bad.kind = "format";
        throw bad;
      }
      return data;
    } finally {
      clearTimeout(timer);
      if (this.controller === controller) this.controller = null;
    }
  };

  Widget.prototype.loadConfig = function () {
    var self = this;
    this.request("/api/config", { method: "GET", headers: { Accept: "application/json" } }).then(function (cfg) {
      if (!self.opts.title && typeof cfg.title === "string" && cfg.title.trim()) {
        self.title = cfg.title.trim();
        self.titleEl.textContent = self.title;
        self.panel.setAttribute("aria-label", self.title + " chat");
        self.launcher.setAttribute("aria-label", (self.isOpen ? "Close chat: " : "Open chat: ") + self.title);
      }
      if (!self.opts.greeting && typeof cfg.greeting === "string" && cfg.greeting.trim()) {
        self.greeting = cfg.greeting.trim();
        if (self.greetingText) self.greetingText.textContent = self.greeting;
      }
      self.limits = normaliseLimits(cfg.limits, self.limits);
      self.input.setAttribute("maxlength", String(self.limits.maxMessage));
      var s = normaliseSuggestions(cfg.suggestions, self.limits.maxMessage).slice(0, 3);
      if (s.length) {
        self.starters = s;
        self.renderStarters();
      }
    }, function () { /* keep the data-greeting / built-in fallbacks and DEFAULT_LIMITS */ });
  };

  Widget.prototype.errorText = function (err) {
    if (err.kind === "timeout") return "The server took too long to answer. Please try again.";
    if (err.kind === "network") return "Can't reach the chat server. Check your connection and try again.";
    if (err.kind === "format") return "The server sent an unexpected reply. Please try again.";
    if (err.kind === "http") {
      var detail = err.detail;
      var msg = "";
      if (typeof detail === "string") msg = detail;
      else if (Array.isArray(detail) && detail.length && detail[0] && typeof detail[0].msg === "string") msg = detail[0].msg;
      msg = msg.trim().slice(0, 300);
      var tail = msg ? ": " + msg + (/[.!?]$/.test(msg) ? "" : ".") : ".";
      if (err.status === 422) return "The server couldn't accept that question" + tail;
      if (err.status === 429) return "Too many questions at once. Please wait a moment and try again.";
      return "The server had a problem (HTTP " + err.status + ")" + tail + " Please try again.";
    }
    return "Something went wrong. Please try again.";
  };

  Widget.prototype.setBusy = function (busy) {
    this.busy = busy;
    this.input.disabled = busy;
    this.sendBtn.disabled = busy;
    this.typing.hidden = !busy;
    this.log.setAttribute("aria-busy", busy ? "true" : "false");
  };

  Widget.prototype.submitInput = function () {
    if (this.busy) return;
    var text = this.input.value.trim();
    if (!text) return;
    this.input.value = "";
    this.autosize();
    this.send(text);
  };

  Widget.prototype.retry = function () {
    var last = this.messages[this.messages.length - 1];
    if (!last || last.role !== "user") { this.clearError(); return; }
    this.send(last.content, { retry: true });
  };

  Widget.prototype.send = function (text, o) {
    o = o || {};
    var self = this;
    if (this.busy) return Promise.resolve();
    var limits = this.limits;
    text = str(text).trim().slice(0, limits.maxMessage);
    if (!text) return Promise.resolve();
    if (!this.isOpen) this.open({ focus: false });

    // Keep keyboard focus inside the dialog while controls are disabled.
    var active = this.shadow.activeElement;
    var focusWasInside = !!(active && this.panel.contains(active));
    if (focusWasInside) this.panel.focus({ preventScroll: true });

    this.clearError();
    if (!o.retry) {
      this.messages.push({ role: "user", content: text });
      this.save();
      this.appendMessage(this.messages[this.messages.length - 1]);
    }
    var history = this.messages.slice(0, -1).filter(function (m) {
      return m.role === "user" || m.role === "assistant";
    }).slice(-limits.maxHistory).map(function (m) {
      return { role: m.role, content: m.content.slice(0, limits.maxTurn) };
    });

    this.setBusy(true);
    var generation = this.generation = (this.generation || 0) + 1;
    return this.request("/api/chat", {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify({ message: text, history: history })
    }).then(function (data) {
      if (generation !== self.generation) return;
      if (typeof data.answer !== "string") {
        var bad = new Error("Bad response");
        bad.kind = "format";
        throw bad;
      }
      var msg = {
        role: "assistant",
        content: data.answer,
        answered: data.answered !== false,
        citations: normaliseCitations(data.citations),
        suggestions: normaliseSuggestions(data.suggestions, self.limits.maxMessage),
        replyId: typeof data.reply_id === "string" ? data.reply_id : "",
        question: text
      };
      self.messages.push(msg);
      self.save();
      self.appendMessage(msg);
    }).catch(function (err) {
      if (generation !== self.generation || err.kind === "aborted") return;
      self.showError(self.errorText(err));
    }).then(function () {
      if (generation !== self.generation) return;
      self.setBusy(false);
      var now = self.shadow.activeElement;
      if (self.isOpen && (now === self.panel || (focusWasInside && !now))) self.input.focus({ preventScroll: true });
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

  var api = {
    version: VERSION,
    __mounted: true,
    widget: null,
    open: function () { if (api.widget) api.widget.open(); },
    close: function () { if (api.widget) api.widget.close(); },
    toggle: function () { if (api.widget) api.widget.toggle(); },
    reset: function () { if (api.widget) api.widget.reset(); },
    ask: function (q) { return api.widget ? api.widget.send(q) : Promise.resolve(); }
  };
  window.Guidebot = api;

  function boot() {
    try {
      api.widget = new Widget(currentScript);
    } catch (e) {
      if (window.console) console.error("guidebot: failed to start", e);
    }
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", boot, { once: true });
  else boot();
})();
