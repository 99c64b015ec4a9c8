// bitext review page: keyboard-first review of a document's pairs. Every
// change goes through the JSON API; the rows are then rendered again by
// the server, so what the page shows is what is stored.
"use strict";

(() => {
  const section = document.querySelector("section.review");
  if (!section) return;
  const doc = section.dataset.doc;
  const query = section.dataset.query || "";
  const tbody = document.getElementById("rows");
  let current = null; // the focused row
  let busy = false;

  const rows = () => Array.from(tbody.querySelectorAll("tr.pair"));

  function focusRow(row, scroll = true) {
    if (!row) return;
    if (current) current.classList.remove("current");
    current = row;
    row.classList.add("current");
    row.focus({ preventScroll: true });
    if (scroll) row.scrollIntoView({ block: "nearest" });
    history.replaceState(null, "", "#p" + row.dataset.id);
  }

  function move(step) {
    const all = rows();
    if (!all.length) return;
    const i = current ? all.indexOf(current) : -1;
    focusRow(all[Math.max(0, Math.min(all.length - 1, i + step))]);
  }

  // nextLook goes to the pair that needs a look first (violations, then
  // machine flags, then lowest confidence), other than the current one.
  function nextLook() {
    let best = null;
    for (const r of rows()) {
      const look = +r.dataset.look;
      if (look > 0 && r !== current && (!best || look < +best.dataset.look)) best = r;
    }
    if (best) focusRow(best);
    else bitext.toast("Every pair shown has been looked at.", "ok");
    return best;
  }

  // refresh renders the rows again and focuses the pair with id (or the
  // row at the same place).
  async function refresh(id) {
    const at = current ? rows().indexOf(current) : 0;
    const res = await fetch("/docs/" + doc + "/rows" + (query ? "?" + query : ""), { credentials: "same-origin" });
    if (!res.ok) throw new Error("could not reload the pairs (" + res.status + ")");
    tbody.innerHTML = await res.text(); // rendered and escaped by the server
    document.getElementById("shown").textContent = rows().length;
    current = null;
    const row = id && document.getElementById("p" + id);
    focusRow(row || rows()[Math.min(at, rows().length - 1)], true);
    showEffort();
  }

  function describe(err) {
    if (err.status === 409 && err.body && err.body.conflict) {
      const c = err.body.conflict;
      let msg = "Conflict: pair " + c.pair + " was changed";
      if (c.by) msg += " by " + c.by;
      msg += " since you loaded it; nothing saved.";
      if (c.theirs) msg += " Theirs: «" + c.theirs.en + "».";
      if (c.yours) msg += " Yours: «" + c.yours + "».";
      return msg;
    }
    return err.message;
  }

  // op runs one operation on the current pair, shows the stored result,
  // then calls then (when given) with the server's answer.
  async function op(name, body, then) {
    if (!current || busy) return;
    const id = current.dataset.id;
    busy = true;
    section.classList.add("busy");
    let res = null;
    try {
      res = await bitext.api("POST", "/api/pairs/" + id + "/" + name, body || {});
      await refresh(res.pairs && res.pairs.length ? res.pairs[0].id : id);
    } catch (err) {
      bitext.toast(describe(err), "error");
      if (err.status === 409 || err.status === 404) await refresh(id).catch(() => {});
      return;
    } finally {
      busy = false;
      section.classList.remove("busy");
    }
    const first = res.pairs && res.pairs.length ? res.pairs[0].id : id;
    if (res.skipped) bitext.toast("Pair " + id + " left as it was: " + res.skipped, "warn");
    if (then) await then(res);
    else if (!res.skipped) bitext.toast(label[name] + ": pair " + first + ".", "ok");
  }
  const label = { accept: "Accepted as a false alarm", unaccept: "Raised again", approve: "Approved", reject: "Rejected", edit: "Saved", merge: "Merged", split: "Split",
    shift: "Moved a sentence", retranslate: "Re-translated", undo: "Undone" };

  function approveNext() {
    if (!current) return;
    op("approve", { version: +current.dataset.version }, (res) => {
      if (res.skipped) return;
      bitext.toast("Approved pair " + res.pairs[0].id + ".", "ok");
      nextLook();
    });
  }

  // edit turns the English cell into a text box holding the stored text.
  async function edit() {
    if (!current || current.querySelector("textarea")) return;
    const row = current;
    let pair;
    try {
      pair = await bitext.api("GET", "/api/pairs/" + row.dataset.id);
    } catch (err) {
      bitext.toast(describe(err), "error");
      return;
    }
    const cell = row.querySelector("td.en");
    const saved = Array.from(cell.childNodes);
    const box = document.createElement("textarea");
    box.className = "editor";
    box.value = pair.en;
    box.lang = "en";
    box.rows = Math.max(2, Math.ceil(pair.en.length / 70));
    box.setAttribute("aria-label", "English of pair " + pair.id);
    cell.replaceChildren(box);
    box.focus();
    box.setSelectionRange(box.value.length, box.value.length);
    const cancel = () => { cell.replaceChildren(...saved); focusRow(row, false); };
    box.addEventListener("keydown", async (e) => {
      if (e.key === "Escape") {
        e.preventDefault();
        e.stopPropagation();
        cancel();
      } else if ((e.ctrlKey || e.metaKey) && (e.key === "Enter" || e.key === "s")) {
        e.preventDefault();
        e.stopPropagation();
        const approve = e.key === "Enter";
        current = row;
        await op("edit", { en: box.value, version: pair.version }, async (res) => {
          const p = res.pairs[0];
          if (!approve) { bitext.toast("Saved pair " + p.id + ".", "ok"); return; }
          current = document.getElementById("p" + p.id);
          await op("approve", { version: p.version }, (r2) => {
            if (!r2.skipped) { bitext.toast("Saved and approved pair " + p.id + ".", "ok"); nextLook(); }
          });
        });
      }
    });
  }

  function split() {
    if (!current) return;
    const dlg = document.getElementById("split-dialog");
    const f = document.getElementById("split-form");
    const nru = +current.dataset.nru, nen = +current.dataset.nen;
    dlg.querySelector("[data-nru]").textContent = nru;
    dlg.querySelector("[data-nen]").textContent = nen;
    f.elements.ru.max = nru;
    f.elements.en.max = nen;
    f.elements.ru.value = Math.min(1, nru);
    f.elements.en.value = Math.min(1, nen);
    dlg.returnValue = "";
    dlg.showModal();
    f.elements.ru.focus();
    dlg.addEventListener("close", () => {
      if (dlg.returnValue === "ok") op("split", { ru: +f.elements.ru.value, en_count: +f.elements.en.value });
      else focusRow(current, false);
    }, { once: true });
  }

  async function showHistory() {
    if (!current) return;
    const id = current.dataset.id;
    const side = document.getElementById("side");
    const body = document.getElementById("side-body");
    try {
      const events = await bitext.api("GET", "/api/pairs/" + id + "/history");
      const h = document.createElement("h2");
      h.textContent = "History of pair " + id;
      const list = document.createElement("ol");
      list.className = "history";
      for (const ev of events.slice().reverse()) {
        const li = document.createElement("li");
        const head = document.createElement("div");
        head.className = "ev-head";
        head.textContent = ev.at.replace("T", " ").slice(0, 16) + " · " + ev.who + " · " + ev.action + (ev.undone ? " (undone)" : "");
        li.append(head);
        const text = (ps) => (ps || []).map((p) => p.en + " [" + p.status + ", v" + p.version + "]").join(" | ");
        const before = document.createElement("div");
        before.className = "before";
        before.textContent = "before: " + text(ev.before);
        const after = document.createElement("div");
        after.className = "after";
        after.textContent = "after: " + text(ev.after);
        li.append(before, after);
        list.append(li);
      }
      if (!events.length) {
        const p = document.createElement("p");
        p.textContent = "No change yet: the pair is as the machine made it.";
        body.replaceChildren(h, p);
      } else body.replaceChildren(h, list);
      side.hidden = false;
    } catch (err) {
      bitext.toast(describe(err), "error");
    }
  }

  document.addEventListener("keydown", (e) => {
    if (bitext.typing(e) || busy) return;
    const k = e.key;
    const ctrl = e.ctrlKey || e.metaKey;
    let done = true;
    if (ctrl && k === "Enter") approveNext();
    else if (ctrl && k === "ArrowUp") op("shift", { side: "ru", dir: "up" });
    else if (ctrl && k === "ArrowDown") op("shift", { side: "ru", dir: "down" });
    else if (e.altKey && k === "ArrowUp") op("shift", { side: "en", dir: "up" });
    else if (e.altKey && k === "ArrowDown") op("shift", { side: "en", dir: "down" });
    else if (ctrl && (k === "z" || k === "Z")) op("undo");
    else if (ctrl || e.altKey) done = false;
    else if (k === "ArrowDown" || k === "j") move(1);
    else if (k === "ArrowUp" || k === "k") move(-1);
    else if (k === "n") nextLook();
    else if (k === "a") op("approve", { version: current ? +current.dataset.version : 0 });
    else if (k === "x") op("reject", { version: current ? +current.dataset.version : 0 });
    else if (k === "e" || k === "Enter") edit();
    else if (k === "m") op("merge");
    else if (k === "s") split();
    else if (k === "t") { bitext.toast("Translating…", "info"); op("retranslate"); }
    else if (k === "u") op("undo");
    else if (k === "h") showHistory();
    else if (k === "f") {
      const b = current && current.querySelector("button[data-accept][data-on='1']");
      if (b) acceptFinding(b.dataset.accept, true);
      else bitext.toast("No open QA finding on this pair.", "info");
    }
    else done = false;
    if (done) e.preventDefault();
  });

  // acceptFinding marks a QA finding of the current pair as a false alarm
  // (or raises it again).
  function acceptFinding(key, on) {
    if (!current) return;
    op(on ? "accept" : "unaccept", { key, version: +current.dataset.version });
  }

  tbody.addEventListener("click", (e) => {
    const btn = e.target.closest("button[data-accept]");
    if (btn) {
      focusRow(btn.closest("tr.pair"), false);
      acceptFinding(btn.dataset.accept, btn.dataset.on === "1");
      return;
    }
    const row = e.target.closest("tr.pair");
    if (row && !e.target.closest("textarea")) focusRow(row, false);
  });
  tbody.addEventListener("dblclick", (e) => {
    if (e.target.closest("td.en")) edit();
  });
  document.querySelector("#side [data-close]").addEventListener("click", () => {
    document.getElementById("side").hidden = true;
    focusRow(current, false);
  });

  // Bulk approval shows the measured precision at the confidence chosen.
  const bulkC = document.getElementById("bulk-c");
  const bulkGo = document.getElementById("bulk-go");
  const effortText = document.getElementById("effort");
  let effort = null;
  async function showEffort() {
    try {
      effort = await bitext.api("GET", "/api/docs/" + doc + "/effort?above=" + encodeURIComponent(bulkC.value));
      effortText.textContent = effort.message + (effort.held ? " " + effort.held + " pair(s) with violations are held back." : "");
      bulkGo.textContent = "Approve " + effort.eligible + " pair" + (effort.eligible === 1 ? "" : "s");
      bulkGo.disabled = effort.eligible === 0;
    } catch (err) {
      effortText.textContent = describe(err);
    }
  }
  bulkC.addEventListener("input", showEffort);
  document.getElementById("bulk").addEventListener("submit", async (e) => {
    e.preventDefault();
    if (!effort || busy) return;
    if (!confirm(effort.message + "\n\nApprove " + effort.eligible + " draft pair(s) at confidence ≥ " + bulkC.value + "?")) return;
    busy = true;
    try {
      const res = await bitext.api("POST", "/api/docs/" + doc + "/approve-above", { confidence: +bulkC.value });
      bitext.toast("Approved " + res.approved + " pair(s) at confidence ≥ " + bulkC.value + " (measured precision " +
        (100 * res.effort.precision).toFixed(1) + "%).", "ok");
      busy = false;
      await refresh(current && current.dataset.id);
    } catch (err) {
      bitext.toast(describe(err), "error");
    } finally {
      busy = false;
    }
  });

  const start = location.hash.startsWith("#p") && document.getElementById(location.hash.slice(1));
  focusRow(start || rows()[0], !!start);
  showEffort();
})();
