/**
 * The rules page (/demo/rules): GET /api/v1/rules as a table per rule family, each rule with its
 * title, source document, the dates it is in force and its parameters (each value with its source
 * or the assumption made where the seeds are silent). DOM APIs and textContent only. State for
 * tests: <html data-demo-state="done|error">.
 */
(function () {
  "use strict";

  const V = globalThis.JDPG_VOCAB;
  const html = document.documentElement;

  function el(tag, cls, text) {
    const node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text != null) node.textContent = text;
    return node;
  }

  function both(entry) {
    return entry.zh === entry.en ? entry.zh : `${entry.zh} · ${entry.en}`;
  }

  function day(iso) {
    return iso ? iso.slice(0, 10) : "…";
  }

  function paramsCell(params) {
    const cell = el("td");
    const list = el("dl", "demo-params");
    for (const [name, p] of Object.entries(params || {})) {
      list.appendChild(el("dt", "", name));
      const value = el("dd");
      value.appendChild(el("code", "", JSON.stringify(p.value)));
      const why = p.source || p.assumption;
      if (why) value.appendChild(el("span", "demo-note", why));
      list.appendChild(value);
    }
    cell.appendChild(list.childNodes.length ? list : el("span", "demo-muted", "—"));
    return cell;
  }

  function table(rules) {
    const t = el("table", "demo-orders demo-rules");
    const head = el("tr");
    for (const h of ["规则 · Rule", "来源 · Source", "生效 · In force", "参数 · Parameters"])
      head.appendChild(el("th", "", h));
    t.appendChild(el("thead")).appendChild(head);
    const body = t.appendChild(el("tbody"));
    for (const r of rules) {
      const row = el("tr");
      row.dataset.ruleId = r.id;
      const name = el("td");
      name.appendChild(el("code", "demo-id", r.id));
      name.appendChild(el("div", "", r.title));
      name.appendChild(el("div", "demo-muted", r.title_en));
      row.appendChild(name);
      row.appendChild(el("td", "", r.source));
      row.appendChild(
        el("td", "", r.effective_from || r.effective_to ? `${day(r.effective_from)} – ${day(r.effective_to)}` : "—"),
      );
      row.appendChild(paramsCell(r.params));
      body.appendChild(row);
    }
    return t;
  }

  async function main() {
    const box = document.getElementById("rules");
    try {
      const response = await fetch("/api/v1/rules", { headers: { Accept: "application/json" } });
      const data = await response.json();
      if (!response.ok) throw new Error((data.error && data.error.message) || String(response.status));
      document.getElementById("rules-version").textContent = data.version;
      // Families in the catalog's order (the order its rules come in).
      const byFamily = new Map();
      for (const r of data.rules) {
        if (!byFamily.has(r.family)) byFamily.set(r.family, []);
        byFamily.get(r.family).push(r);
      }
      for (const [family, rules] of byFamily) {
        const section = el("section", "demo-rules-family");
        section.dataset.family = family;
        section.appendChild(el("h2", "", V.families[family] ? both(V.families[family]) : family));
        section.appendChild(table(rules));
        box.appendChild(section);
      }
      html.dataset.demoState = "done";
    } catch (e) {
      const error = document.getElementById("load-error");
      error.textContent = `无法读取规则 · Could not load the rules: ${e.message}`;
      error.hidden = false;
      html.dataset.demoState = "error";
    }
  }

  main();
})();
