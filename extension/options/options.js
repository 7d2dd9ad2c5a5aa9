/**
 * The options page: reads and writes settings in chrome.storage.local, asks for the host
 * permission of a non-default API origin (inside the Save click, as Chrome requires a
 * user gesture), and tests the connection through the service worker.
 */
(function () {
  "use strict";

  const {
    MSG,
    FAMILIES,
    normalizeSettings,
    isBuiltInApiOrigin,
    apiBaseProblem,
  } = globalThis.JDPG;
  const V = globalThis.JDPG_VOCAB;
  const UI = V.ui;
  const form = document.getElementById("jdpg-options-form");
  const status = document.getElementById("status");
  /** @type {(id: string) => HTMLInputElement} */
  const field = (id) =>
    /** @type {HTMLInputElement} */ (document.getElementById(id));

  /** Both languages: the options page is read before any language is chosen. */
  function both_(entry, values) {
    return `${V.fill(entry.zh, values || {})} · ${V.fill(entry.en, values || {})}`;
  }

  function showStatus_(text, kind) {
    status.textContent = text;
    status.className = `status ${kind || ""}`;
  }

  /**
   * The choices that are value lists of the vocabulary: a platform option and a family checkbox
   * (id `family-<name>`) for each, in the vocabulary's order and words.
   */
  function buildChoices_() {
    const platform = field("platform");
    for (const code of V.lists.platforms) {
      const option = document.createElement("option");
      option.value = code;
      option.textContent = both_(V.values.platform[code]);
      platform.appendChild(option);
    }
    const box = document.getElementById("families");
    for (const name of FAMILIES) {
      const label = document.createElement("label");
      const input = document.createElement("input");
      input.type = "checkbox";
      input.id = `family-${name}`;
      input.dataset.family = name;
      label.append(input, ` ${both_(V.families[name])}`);
      box.appendChild(label);
    }
  }

  function fill_(settings) {
    field("apiBase").value = settings.apiBase;
    field("apiKey").value = settings.apiKey;
    field("atRiskHours").value =
      settings.atRiskHours == null ? "" : String(settings.atRiskHours);
    field("lang").value = settings.lang;
    field("platform").value = settings.platform;
    for (const name of FAMILIES)
      field(`family-${name}`).checked = settings.families[name];
    field("alerts").checked = settings.alerts;
    field("quietFrom").value = settings.quietFrom;
    field("quietTo").value = settings.quietTo;
  }

  /** The form's values, or an error message for the first invalid one. */
  function read_() {
    const apiBase = field("apiBase").value.trim().replace(/\/+$/, "");
    const problem = apiBaseProblem(apiBase);
    if (problem === "not_https") return { error: both_(UI.api_not_https) };
    if (problem) return { error: both_(UI.bad_api_base) };
    const raw = field("atRiskHours").value.trim();
    const hours = raw === "" ? null : Number(raw);
    if (hours !== null && (!Number.isFinite(hours) || hours < 0 || hours > 240))
      return { error: both_(UI.bad_threshold) };
    const quietFrom = field("quietFrom").value;
    const quietTo = field("quietTo").value;
    const hhmm = /^([01]\d|2[0-3]):[0-5]\d$/;
    if (
      (quietFrom && !hhmm.test(quietFrom)) ||
      (quietTo && !hhmm.test(quietTo))
    )
      return { error: both_(UI.bad_quiet_hours) };
    const families = {};
    for (const name of FAMILIES)
      families[name] = field(`family-${name}`).checked;
    if (!FAMILIES.some((name) => families[name]))
      return { error: both_(UI.no_family) };
    const url = new URL(apiBase);
    return {
      values: {
        apiBase,
        apiKey: field("apiKey").value.trim(),
        atRiskHours: hours,
        lang: field("lang").value,
        platform: field("platform").value,
        families,
        alerts: field("alerts").checked,
        quietFrom,
        quietTo,
      },
      origin: `${url.protocol}//${url.hostname}/*`,
    };
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const { values, origin, error } = read_();
    if (error) {
      showStatus_(error, "error");
      return;
    }
    if (!isBuiltInApiOrigin(values.apiBase)) {
      // Must be the first await: Chrome only grants inside the click's user gesture.
      const granted = await chrome.permissions
        .request({ origins: [origin] })
        .catch(() => false);
      if (!granted) {
        showStatus_(both_(UI.not_saved_permission, { origin }), "error");
        return;
      }
    }
    await chrome.storage.local.set(
      normalizeSettings(Object.assign(await saved_(), values)),
    );
    showStatus_(both_(UI.saved), "ok");
  });

  /** The settings as stored, hidden ones (asOf) included, so a save keeps them. */
  async function saved_() {
    return chrome.storage.local.get(
      Object.keys(globalThis.JDPG.DEFAULT_SETTINGS),
    );
  }

  field("test-connection").addEventListener("click", async () => {
    const { values, error } = read_();
    if (error) {
      showStatus_(error, "error");
      return;
    }
    showStatus_(both_(UI.connecting));
    const reply = await chrome.runtime
      .sendMessage({
        type: MSG.TEST_CONNECTION,
        apiBase: values.apiBase,
        apiKey: values.apiKey,
      })
      .catch((e) => ({
        ok: false,
        error: { message: String(e.message), message_en: String(e.message) },
      }));
    if (reply && reply.ok) {
      showStatus_(
        both_(UI.connected, { base: reply.apiBase, ms: reply.ms }),
        "ok",
      );
    } else {
      const e = (reply && reply.error) || {};
      showStatus_(
        `${V.fill(UI.connect_failed.zh, { message: e.message || "" })} · ${V.fill(UI.connect_failed.en, { message: e.message_en || "" })}`,
        "error",
      );
    }
  });

  buildChoices_();
  saved_().then((stored) => fill_(normalizeSettings(stored)));
})();
