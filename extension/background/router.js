/**
 * The message router, keyed on JDPG.MSG: an unknown type throws; a known one from a sender
 * not allowed to send it (JDPG.SENDERS) is refused without running. Exposed as
 * self.jdpgRoute for tests that play other senders.
 */
import "../common/vocabulary.js";
import "../common/constants.js";
import { getPageSettings } from "./settings.js";
import { annotateOrders, apiError, testConnection } from "./api.js";
import { getTriage } from "./todo-store.js";
import { getTabSummary, pageSummary } from "./tab-summaries.js";

const { MSG, SENDERS, senderAllowed } = self.JDPG;

const HANDLERS = {
  [MSG.ANNOTATE_ORDERS]: annotateOrders,
  [MSG.PAGE_SUMMARY]: pageSummary,
  [MSG.GET_PAGE_SETTINGS]: getPageSettings,
  [MSG.TEST_CONNECTION]: testConnection,
  [MSG.GET_TAB_SUMMARY]: getTabSummary,
  [MSG.GET_TRIAGE]: getTriage,
};

// The sender table and the handlers must name the same messages.
for (const type of Object.keys(SENDERS)) {
  if (!HANDLERS[type]) throw new Error(`no handler for ${type}`);
}

/**
 * @param {any} message
 * @param {chrome.runtime.MessageSender} sender
 * @return {Promise<any>}
 */
export function route(message, sender) {
  const type = message && message.type;
  const handler = Object.prototype.hasOwnProperty.call(HANDLERS, type)
    ? HANDLERS[type]
    : null;
  if (!handler)
    throw new Error(`JD Promo Guard: unknown message ${JSON.stringify(type)}`);
  if (!senderAllowed(type, sender, chrome.runtime.id)) {
    return Promise.resolve({
      ok: false,
      error: {
        code: "forbidden",
        message: `not allowed from this sender: ${type}`,
        message_en: `not allowed from this sender: ${type}`,
      },
    });
  }
  return handler(message, sender).catch((e) => ({
    ok: false,
    error: apiError("internal", self.JDPG_VOCAB.ui.api_internal, {
      message: e.message,
    }),
  }));
}
self.jdpgRoute = route;

chrome.runtime.onMessage.addListener((message, sender, sendResponse) => {
  route(message, sender).then(sendResponse);
  return true;
});
