/** What each tab's content script last reported (its summary bar), kept per tab for the popup. */

/** PAGE_SUMMARY from a content script. */
export async function pageSummary(message, sender) {
  const entry = {
    summary: message.summary,
    error: message.error || null,
    url: sender.url,
    at: Date.now(),
  };
  await chrome.storage.session.set({ [`tab:${sender.tab.id}`]: entry });
  return { ok: true };
}

/** GET_TAB_SUMMARY: {tabId} → what that tab's content script last reported, or null. */
export async function getTabSummary(message) {
  const key = `tab:${Number(message.tabId)}`;
  const stored = await chrome.storage.session.get(key);
  return { ok: true, data: stored[key] || null };
}

chrome.tabs.onRemoved.addListener((tabId) => {
  chrome.storage.session.remove(`tab:${tabId}`);
});
