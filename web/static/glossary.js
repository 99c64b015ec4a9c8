// bitext glossary pages: add and edit entries with their change impact
// shown before saving and a re-check offered after, deprecate, import.
"use strict";

(() => {
  const lines = (s) => s.split("\n").map((x) => x.trim()).filter(Boolean);

  // entryOf reads an entry form into the API's JSON.
  function entryOf(form) {
    const el = form.elements;
    const e = {
      ru: el.ru.value, en: el.en.value,
      ru_variants: lines(el.ru_variants.value), en_variants: lines(el.en_variants.value),
      forbidden_en: lines(el.forbidden_en.value), ru_exclude: lines(el.ru_exclude.value),
      domain: el.domain.value, note: el.note.value, status: el.status.value,
      case_sensitive: el.case_sensitive.checked, abbreviation: el.abbreviation.checked,
    };
    if (form.dataset.entry !== "new") {
      e.id = form.dataset.entry;
      e.version = +form.dataset.version;
    }
    return e;
  }

  // showImpact lists the pairs a change concerns under the form.
  function showImpact(form, res, title) {
    const box = form.querySelector("[data-impact]");
    box.hidden = false;
    const h = document.createElement("h3");
    h.textContent = title || (res.count === 0
      ? "This change concerns no approved or draft pair."
      : res.count + " pair(s) concern this change: " + res.approved + " approved, " + res.draft + " draft.");
    const parts = [h];
    if (res.pairs && res.pairs.length) {
      const t = document.createElement("table");
      t.className = "impact-pairs";
      for (const p of res.pairs) {
        const tr = t.insertRow();
        const a = document.createElement("a");
        a.href = "/docs/" + p.doc + "#p" + p.id;
        a.textContent = p.doc_name + " #" + p.index;
        tr.insertCell().append(a);
        tr.insertCell().textContent = p.status;
        const ru = tr.insertCell();
        ru.lang = "ru";
        ru.textContent = p.ru;
        const en = tr.insertCell();
        en.lang = "en";
        en.textContent = p.en;
        tr.insertCell().textContent = p.reason;
        tr.dataset.pair = p.id;
      }
      parts.push(t);
      if (res.count > res.pairs.length) {
        const more = document.createElement("p");
        more.textContent = "…and " + (res.count - res.pairs.length) + " more.";
        parts.push(more);
      }
    }
    box.replaceChildren(...parts);
    return box;
  }

  async function impact(form, entry) {
    return bitext.api("POST", "/api/glossary/" + encodeURIComponent(form.dataset.entry) + "/impact", entry);
  }

  function conflictText(err) {
    if (err.status === 409 && err.body && err.body.conflict && err.body.conflict.theirs) {
      const t = err.body.conflict.theirs;
      return err.message + " Theirs: " + t.ru + " → " + t.en + " (version " + t.version + ", " + t.status + ").";
    }
    return err.message;
  }

  // offerRecheck shows a button that re-checks the pairs found before the
  // change was saved.
  function offerRecheck(form, before, saved) {
    const box = showImpact(form, before, "Saved " + saved.id + " (version " + saved.version + "). " +
      (before.count ? before.count + " pair(s) concerned by the change: re-check them so that their findings follow the glossary." : "No pair needs a re-check."));
    if (!before.count) return;
    const b = document.createElement("button");
    b.type = "button";
    b.id = "recheck";
    b.textContent = "Re-check " + before.count + " pair(s)";
    b.addEventListener("click", async () => {
      try {
        const ids = before.pairs.map((p) => p.id);
        const res = await bitext.api("POST", "/api/glossary/recheck", { pairs: ids, entry: saved.id });
        const p = document.createElement("p");
        p.className = "recheck-result";
        p.textContent = "Re-checked " + res.checked + " pair(s): findings changed on " + res.changed + "." +
          (res.gone ? " " + res.gone + " pair(s) were merged or split since." : "");
        b.replaceWith(p);
      } catch (err) {
        bitext.toast(err.message, "error");
      }
    });
    box.prepend(b);
  }

  for (const form of document.querySelectorAll("form.entry-form")) {
    form.querySelector("[data-preview]").addEventListener("click", async () => {
      try {
        showImpact(form, await impact(form, entryOf(form)));
      } catch (err) {
        bitext.toast(err.message, "error");
      }
    });
    form.addEventListener("submit", async (e) => {
      e.preventDefault();
      const entry = entryOf(form);
      try {
        const before = await impact(form, entry);
        let saved;
        if (form.dataset.entry === "new") {
          saved = await bitext.api("POST", "/api/glossary", entry);
          form.dataset.entry = saved.id;
        } else {
          saved = await bitext.api("POST", "/api/glossary/" + encodeURIComponent(entry.id), entry);
        }
        form.dataset.version = saved.version;
        bitext.toast("Saved " + saved.id + ", version " + saved.version + ".", "ok");
        offerRecheck(form, before, saved);
      } catch (err) {
        bitext.toast(conflictText(err), "error");
      }
    });
  }

  const dep = document.getElementById("deprecate");
  if (dep) {
    dep.addEventListener("click", async () => {
      const form = document.getElementById("entry-form");
      if (!confirm("Deprecate " + form.dataset.entry + "? Runs stop enforcing it.")) return;
      try {
        await bitext.api("POST", "/api/glossary/" + encodeURIComponent(form.dataset.entry) + "/deprecate", { version: +form.dataset.version });
        location.reload();
      } catch (err) {
        bitext.toast(conflictText(err), "error");
      }
    });
  }

  const imp = document.getElementById("import-form");
  if (imp) {
    imp.addEventListener("submit", async (e) => {
      e.preventDefault();
      const file = imp.elements.file.files[0];
      if (!file) return;
      const out = imp.querySelector("[data-result]");
      const q = new URLSearchParams({ name: file.name });
      if (imp.elements.skip_invalid.checked) q.set("skip_invalid", "1");
      if (imp.elements.force.checked) q.set("force", "1");
      try {
        const res = await bitext.api("POST", "/api/glossary/import?" + q, file);
        const s = res.stats;
        let text = "Imported " + file.name + ": " + s.added + " added, " + s.updated + " updated, " + s.unchanged + " unchanged.";
        if (s.conflicts && s.conflicts.length) text += "\n" + s.conflicts.length + " conflict(s) left as stored: " + s.conflicts.map((c) => c.id).join(", ");
        if (res.bad_rows.length) text += "\nSkipped:\n" + res.bad_rows.join("\n");
        out.textContent = text;
      } catch (err) {
        out.textContent = err.message;
      }
      out.hidden = false;
    });
  }
})();
