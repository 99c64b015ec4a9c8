// bitext: what every page shares — calls to the JSON API with the
// session's CSRF token, messages, and the keys that work everywhere.
"use strict";

const bitext = (() => {
  const csrf = () => (document.querySelector('meta[name="csrf"]') || {}).content || "";

  // api calls the JSON API; it throws an Error carrying the status and the
  // server's body (with both versions on a conflict).
  async function api(method, url, body) {
    const opts = { method, headers: { "Accept": "application/json" }, credentials: "same-origin" };
    if (method !== "GET") opts.headers["X-CSRF-Token"] = csrf();
    if (body instanceof Blob || body instanceof ArrayBuffer) {
      opts.body = body;
      opts.headers["Content-Type"] = "application/octet-stream";
    } else if (body !== undefined) {
      opts.body = JSON.stringify(body);
      opts.headers["Content-Type"] = "application/json";
    }
    const res = await fetch(url, opts);
    let data = null;
    const type = res.headers.get("Content-Type") || "";
    if (type.startsWith("application/json")) data = await res.json();
    if (!res.ok) {
      const err = new Error((data && data.error) || (res.status + " " + res.statusText));
      err.status = res.status;
      err.body = data;
      throw err;
    }
    return data;
  }

  let toastTimer = 0;
  // toast shows a short message; errors stay until the next message.
  function toast(msg, kind) {
    const t = document.getElementById("toast");
    if (!t) return;
    t.textContent = msg;
    t.className = kind || "info";
    t.hidden = false;
    clearTimeout(toastTimer);
    if (kind !== "error") toastTimer = setTimeout(() => { t.hidden = true; }, 4000);
  }

  // typing tells whether keys go to a text field or an open dialog.
  function typing(e) {
    const el = e.target;
    if (el && (el.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName))) return true;
    return !!document.querySelector("dialog[open]");
  }

  let pendingG = false;
  document.addEventListener("keydown", (e) => {
    if (e.key === "Escape") {
      document.querySelectorAll("dialog[open]").forEach((d) => d.close());
      return;
    }
    if (typing(e) || e.ctrlKey || e.metaKey || e.altKey) return;
    if (pendingG) {
      pendingG = false;
      if (e.key === "d") { location.href = "/docs"; e.preventDefault(); return; }
      if (e.key === "g") { location.href = "/glossary"; e.preventDefault(); return; }
    }
    if (e.key === "/") {
      const s = document.getElementById("global-search");
      if (s) { e.preventDefault(); s.focus(); s.select(); }
    } else if (e.key === "?") {
      e.preventDefault();
      document.getElementById("help").showModal();
    } else if (e.key === "g") {
      pendingG = true;
    }
  });

  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll("[data-help]").forEach((b) =>
      b.addEventListener("click", () => document.getElementById("help").showModal()));
  });

  return { api, toast, typing, csrf };
})();
