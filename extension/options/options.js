/**
 * The options page: reads and writes settings in chrome.storage.local, asks for the host
 * permission of a non-default API origin (inside the Save click, as Chrome requires a
 * user gesture), and tests the connection through the service worker.
 */
(function () {
  "use strict";

  const { MSG, FAMILIES, normalizeSettings, isBuiltInApiOrigin } =
    globalThis.JDPG;
  const form = document.getElementById("jdpg-options-form");
  const status = document.getElementById("status");
  /** @type {(id: string) => HTMLInputElement} */
  const field = (id) =>
    /** @type {HTMLInputElement} */ (document.getElementById(id));

  function showStatus_(text, kind) {
    status.textContent = text;
    status.className = `status ${kind || ""}`;
  }

  function fill_(settings) {
    field("apiBase").value = settings.apiBase;
    field("apiKey").value = settings.apiKey;
    field("atRiskHours").value = String(settings.atRiskHours);
    field("lang").value = settings.lang;
    field("platform").value = settings.platform;
    for (const name of FAMILIES)
      field(`family-${name}`).checked = settings.families[name];
  }

  /** The form's values, or an error message for the first invalid one. */
  function read_() {
    const apiBase = field("apiBase").value.trim().replace(/\/+$/, "");
    let url;
    try {
      url = new URL(apiBase);
    } catch (e) {
      return { error: "API 地址无效 · The API base URL is not valid" };
    }
    if (url.protocol !== "http:" && url.protocol !== "https:") {
      return {
        error: "API 地址须以 http:// 或 https:// 开头 · Use an http(s) URL",
      };
    }
    const hours = Number(field("atRiskHours").value);
    if (!Number.isFinite(hours) || hours < 0 || hours > 240) {
      return {
        error: "阈值须在 0–240 小时之间 · Threshold must be 0–240 hours",
      };
    }
    const families = {};
    for (const name of FAMILIES)
      families[name] = field(`family-${name}`).checked;
    return {
      values: {
        apiBase,
        apiKey: field("apiKey").value.trim(),
        atRiskHours: hours,
        lang: field("lang").value,
        platform: field("platform").value,
        families,
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
        showStatus_(
          `未获得访问 ${origin} 的权限，未保存 · Permission for ${origin} was not granted; not saved`,
          "error",
        );
        return;
      }
    }
    await chrome.storage.local.set(values);
    showStatus_("已保存 · Saved", "ok");
  });

  field("test-connection").addEventListener("click", async () => {
    const { values, error } = read_();
    if (error) {
      showStatus_(error, "error");
      return;
    }
    showStatus_("连接中… · Connecting…");
    const reply = await chrome.runtime
      .sendMessage({
        type: MSG.TEST_CONNECTION,
        apiBase: values.apiBase,
        apiKey: values.apiKey,
      })
      .catch((e) => ({
        ok: false,
        error: { message: String(e.message), message_en: "" },
      }));
    if (reply && reply.ok) {
      showStatus_(
        `连接正常 · Connected (${reply.apiBase}, ${reply.ms} ms)`,
        "ok",
      );
    } else {
      const e = (reply && reply.error) || {};
      showStatus_(
        `连接失败 · Failed: ${e.message || ""} ${e.message_en || ""}`.trim(),
        "error",
      );
    }
  });

  chrome.storage.local
    .get(null)
    .then((stored) => fill_(normalizeSettings(stored)));
})();
