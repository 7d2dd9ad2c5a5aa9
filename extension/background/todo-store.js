/**
 * The to-do list (common/triage.js, pure) kept in chrome.storage.local: every order a list
 * page showed in the last days, learnt from the results the API gave, changed one
 * read-modify-write at a time.
 */
import "../common/vocabulary.js";
import "../common/money.js";
import "../common/constants.js";
import "../common/triage.js";
import { loadSettings, now } from "./settings.js";

const { SERVER_DEFAULT_AT_RISK_HOURS } = self.JDPG;
const VOCAB = self.JDPG_VOCAB;
const Triage = self.JdpgTriage;

const TRIAGE_KEY = "triage";

/** Adds what a list page showed to the list. */
export async function learn(orders, results, pageUrl, settings) {
  const at = now(settings);
  const ctx = {
    seenAt: at,
    pageUrl,
    atRiskHours:
      settings.atRiskHours != null
        ? settings.atRiskHours
        : SERVER_DEFAULT_AT_RISK_HOURS,
    vocab: VOCAB,
    toFen: self.JdpgMoney.toFen,
  };
  const changes = results.map((result, i) =>
    Triage.fromResult(orders[i] || {}, result, ctx),
  );
  await updateTodo((list) => Triage.merge(list, changes, at));
}

/** One read-modify-write of the stored list at a time. */
/** @type {Promise<unknown>} */
let chain = Promise.resolve();

/**
 * Changes the stored list: `change` gets the current list and returns the next one.
 * @param {(list: Object<string, any>) => Object<string, any>} change
 * @return {Promise<Object<string, any>>} the list as stored
 */
export function updateTodo(change) {
  const run = chain.then(async () => {
    const stored = await chrome.storage.local.get(TRIAGE_KEY);
    const next = change(stored[TRIAGE_KEY] || {});
    await chrome.storage.local.set({ [TRIAGE_KEY]: next });
    return next;
  });
  chain = run.catch(() => {});
  return run;
}

/** The stored list as it is (nothing pruned). */
export async function readTodo() {
  const stored = await chrome.storage.local.get(TRIAGE_KEY);
  return stored[TRIAGE_KEY] || {};
}

/** GET_TRIAGE → the list by time left, and "now" as the service worker sees it. */
export async function getTriage() {
  const settings = await loadSettings();
  const at = now(settings);
  const list = Triage.prune(await readTodo(), at);
  return {
    ok: true,
    data: {
      now: at,
      fixedNow: Boolean(settings.asOf),
      lang: settings.lang,
      entries: Triage.sorted(list),
    },
  };
}
