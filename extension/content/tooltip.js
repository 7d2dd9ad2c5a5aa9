/**
 * Badge explanations: built from a badge's spec on first hover, focus or click (most are
 * never opened, and a page of 100 orders renders faster without thousands of hidden nodes),
 * placed with `position: fixed` from the badge's rect so `overflow: hidden` tables do not
 * clip them, closed on scroll and Escape. Events stop at our row: the page never sees them.
 * DOM APIs and textContent only. Defines one global, `JdpgTooltip`.
 */
(function (root) {
  "use strict";

  /** badge element → its spec (see JdpgSpecs). */
  const SPECS = new WeakMap();
  const scrollWatched = new WeakSet();

  /** A new element of ours with its text (never parsed as HTML), appended to `parent`. */
  function appendText_(doc, parent, tag, cls, text) {
    const el = doc.createElement(tag);
    el.className = cls;
    el.textContent = text;
    parent.appendChild(el);
    return el;
  }

  /**
   * Remembers what a badge's explanation will say.
   * @param {Element} badge
   * @param {{title: string, sections: Array<{heading: string, reasons: string[], facts: Array<{label: string, value: string}>}>}} spec
   */
  function attach(badge, spec) {
    SPECS.set(badge, spec);
  }

  /** The explanation panel of one spec: its title, then per section heading, reasons, facts. */
  function build_(doc, spec) {
    const tip = doc.createElement("span");
    tip.className = "jdpg-tip";
    tip.setAttribute("role", "tooltip");
    appendText_(doc, tip, "span", "jdpg-tip__title", spec.title);
    for (const s of spec.sections) {
      const box = appendText_(doc, tip, "span", "jdpg-tip__section", "");
      if (s.heading) appendText_(doc, box, "span", "jdpg-tip__rule", s.heading);
      s.reasons.forEach((text, i) =>
        appendText_(
          doc,
          box,
          "span",
          i ? "jdpg-tip__reason jdpg-tip__reason--en" : "jdpg-tip__reason",
          text,
        ),
      );
      if (s.facts.length) {
        const list = appendText_(doc, box, "span", "jdpg-tip__facts", "");
        for (const fact of s.facts) {
          const line = appendText_(doc, list, "span", "jdpg-tip__fact", "");
          appendText_(doc, line, "span", "jdpg-tip__key", fact.label);
          appendText_(doc, line, "span", "jdpg-tip__value", fact.value);
        }
      }
    }
    return tip;
  }

  /**
   * The badge's explanation panel, built on first use.
   * @param {Element} badge a `.jdpg-badge`
   * @return {Element|null} its `.jdpg-tip`
   */
  function explain(badge) {
    const existing = badge.querySelector(":scope > .jdpg-tip");
    if (existing) return existing;
    const spec = SPECS.get(badge);
    return spec ? badge.appendChild(build_(badge.ownerDocument, spec)) : null;
  }

  function toggle_(badge, open) {
    badge.classList.toggle("jdpg-open", open);
    badge.setAttribute("aria-expanded", String(open));
  }

  /** A pinned explanation sits in viewport coordinates, so a scroll closes it. */
  function closeOnScroll_(doc) {
    if (scrollWatched.has(doc)) return;
    scrollWatched.add(doc);
    doc.addEventListener(
      "scroll",
      () => {
        for (const open of doc.querySelectorAll(".jdpg-badge.jdpg-open"))
          toggle_(open, false);
      },
      { capture: true, passive: true },
    );
  }

  /** Puts the explanation under (or above) its badge, inside the viewport. */
  function place_(badge, tip) {
    if (!tip) return;
    const view = badge.ownerDocument.defaultView;
    const rect = badge.getBoundingClientRect();
    const width = Math.min(420, view.innerWidth - 16);
    tip.style.maxWidth = `${width}px`;
    tip.style.left = `${Math.max(8, Math.min(rect.left, view.innerWidth - width - 8))}px`;
    const below = view.innerHeight - rect.bottom;
    if (below < 220 && rect.top > below) {
      tip.style.top = "auto";
      tip.style.bottom = `${view.innerHeight - rect.top + 4}px`;
    } else {
      tip.style.bottom = "auto";
      tip.style.top = `${rect.bottom + 4}px`;
    }
    closeOnScroll_(badge.ownerDocument);
  }

  /**
   * Hover, focus, click and keyboard handling for the badges inside `row`.
   * @param {Element} row
   */
  function wire(row) {
    const onApproach = (event) => {
      const badge = event.target.closest && event.target.closest(".jdpg-badge");
      if (badge && !event.target.closest(".jdpg-tip"))
        place_(badge, explain(badge));
    };
    row.addEventListener("mouseover", onApproach);
    row.addEventListener("focusin", onApproach);
    const onActivate = (event) => {
      const badge = event.target.closest(".jdpg-badge");
      if (badge && !event.target.closest(".jdpg-tip"))
        place_(badge, explain(badge));
      if (event.type === "keydown") {
        if (event.key === "Escape" && badge) toggle_(badge, false);
        if (event.key !== "Enter" && event.key !== " ") return;
        event.preventDefault();
      }
      event.stopPropagation();
      if (!badge || event.target.closest(".jdpg-tip")) return;
      const open = !badge.classList.contains("jdpg-open");
      for (const other of row.querySelectorAll(".jdpg-badge.jdpg-open"))
        toggle_(other, false);
      toggle_(badge, open);
    };
    row.addEventListener("click", onActivate);
    row.addEventListener("keydown", onActivate);
  }

  root.JdpgTooltip = Object.freeze({ attach, explain, wire, appendText: appendText_ });
})(globalThis);
