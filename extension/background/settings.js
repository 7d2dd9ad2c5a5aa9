/**
 * The merchant's settings as the service worker uses them: read from chrome.storage.local once
 * and kept until they change; the part a page may know; "now" for the to-do list and alerts.
 * A change is broadcast to every tab's content script.
 */
import "../common/vocabulary.js";
import "../common/constants.js";

const { SETTINGS_CHANGED, DEFAULT_SETTINGS, normalizeSettings } = self.JDPG;

export const SETTING_KEYS = Object.keys(DEFAULT_SETTINGS);
/** Settings whose change makes every open list ask the API again. */
const API_KEYS = ["apiBase", "apiKey", "atRiskHours", "asOf", "platform", "families"];

let settingsCache = null;
let settingsGeneration = 0;

// Content scripts get their settings from here, never from storage (which holds the key);
// where Chrome can close local storage to them (newer versions), it is closed.
Promise.resolve()
  .then(() =>
    chrome.storage.local.setAccessLevel({ accessLevel: "TRUSTED_CONTEXTS" }),
  )
  .catch(() => {});

chrome.storage.onChanged.addListener((changes, area) => {
  if (area !== "local") return;
  const keys = Object.keys(changes).filter((k) => SETTING_KEYS.includes(k));
  if (!keys.length) return;
  settingsGeneration += 1;
  settingsCache = null;
  broadcastSettings(keys.some((k) => API_KEYS.includes(k)));
});

/** Settings, read from storage once and kept until they change (one read less per request). */
export async function loadSettings() {
  if (settingsCache) return settingsCache;
  const generation = settingsGeneration;
  const settings = normalizeSettings(
    await chrome.storage.local.get(SETTING_KEYS),
  );
  if (generation === settingsGeneration) settingsCache = settings;
  return settings;
}

/** What a content script may know of the settings: no address, no key. */
export function pageSettings(s) {
  return {
    lang: s.lang,
    platform: s.platform,
    families: s.families,
    asOf: s.asOf,
  };
}

/** Tells every tab's content script that the settings changed (tabs without one ignore it). */
async function broadcastSettings(reannotate) {
  const settings = pageSettings(await loadSettings());
  const tabs = await chrome.tabs.query({});
  for (const tab of tabs) {
    chrome.tabs
      .sendMessage(tab.id, { type: SETTINGS_CHANGED, settings, reannotate })
      .catch(() => {});
  }
}

/** "Now" for the to-do list and alerts: the hidden asOf when set (demos, tests), else the clock. */
export function now(settings) {
  const fixed = settings.asOf ? Date.parse(settings.asOf) : NaN;
  return Number.isFinite(fixed) ? fixed : Date.now();
}

/** GET_PAGE_SETTINGS from a content script: the settings a page may know. */
export async function getPageSettings() {
  return { ok: true, data: pageSettings(await loadSettings()) };
}
