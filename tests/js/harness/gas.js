'use strict';
// Loads the real Apps Script files (sheets_addon/apps_script/*.js) into one
// node:vm context, as Apps Script does, with stand-ins for the Google services
// they call. UrlFetchApp does real, synchronous HTTP through curl. The other
// stand-ins keep Apps Script's limits (cache key and value sizes, string-only
// properties, range shapes, 20 triggers per user and script, no UI in a trigger
// run) so code that breaks them fails here too. With `clock`, Date, Utilities.sleep
// and each fetch use a fake clock: no real waits.

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const vm = require('node:vm');
const crypto = require('node:crypto');
const { spawnSync } = require('node:child_process');
const { Spreadsheet, FilterCriteriaBuilder, ConditionalFormatRuleBuilder } = require('./sheet-model');

const SRC = path.resolve(__dirname, '../../../sheets_addon/apps_script');

function makeUrlFetchApp(log, lockState, onFetch) {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gas-fetch-'));
  let n = 0;
  function fetch(url, params = {}) {
    const method = String(params.method || 'get').toUpperCase();
    const bodyFile = path.join(tmp, `body-${n++}`);
    const args = ['-sS', '-X', method, '-o', bodyFile, '-w', '%{http_code}\n%{header_json}', '--max-time', '30'];
    if (params.followRedirects !== false) args.push('-L');
    const headers = { ...(params.headers || {}) };
    let input;
    if (params.payload !== undefined) {
      if (typeof params.payload === 'string') input = Buffer.from(params.payload, 'utf8');
      else if (Array.isArray(params.payload)) input = Buffer.from(params.payload.map((b) => b & 255));
      else input = Buffer.from(new URLSearchParams(params.payload).toString());
      headers['Content-Type'] = params.contentType || 'application/x-www-form-urlencoded';
      args.push('--data-binary', '@-');
    }
    for (const [k, v] of Object.entries(headers)) args.push('-H', `${k}: ${v}`);
    args.push('--', url);
    const entry = {
      method,
      url,
      headers,
      body: input ? input.toString('utf8') : null,
      lockHeld: lockState.held,
      scriptLockHeld: lockState.script.held,
    };
    log.push(entry);
    if (onFetch) onFetch(entry);
    const r = spawnSync('curl', args, { input, encoding: 'buffer' });
    if (r.status !== 0) {
      throw new Error(`Exception: Address unavailable: ${url}`);
    }
    const out = r.stdout.toString('utf8');
    const nl = out.indexOf('\n');
    const code = Number(out.slice(0, nl));
    const rawHeaders = JSON.parse(out.slice(nl + 1) || '{}');
    const body = fs.readFileSync(bodyFile);
    fs.rmSync(bodyFile, { force: true });
    entry.status = code;
    const flat = {};
    for (const [k, v] of Object.entries(rawHeaders)) flat[k.replace(/(^|-)[a-z]/g, (s) => s.toUpperCase())] = v[v.length - 1];
    if (!params.muteHttpExceptions && code >= 400) {
      throw new Error(
        `Exception: Request failed for ${url} returned code ${code}. Truncated server response: ${body
          .toString('utf8')
          .slice(0, 100)}`,
      );
    }
    return {
      getResponseCode: () => code,
      getContentText: () => body.toString('utf8'),
      getContent: () => [...body].map((b) => (b > 127 ? b - 256 : b)),
      getHeaders: () => ({ ...flat }),
      getAllHeaders: () => ({ ...flat }),
    };
  }
  return { fetch };
}

function makeCache(now) {
  const store = new Map();
  const live = (key) => {
    const e = store.get(key);
    if (!e) return null;
    if (e.expires <= now()) {
      store.delete(key);
      return null;
    }
    return e.value;
  };
  const check = (key, value) => {
    if (typeof key !== 'string' || key.length > 250) throw new Error(`Exception: Argument too large: key`);
    if (value !== undefined && (typeof value !== 'string' || Buffer.byteLength(value) > 100 * 1024)) {
      throw new Error('Exception: Argument too large: value');
    }
  };
  const ttl = (s) => Math.min(s === undefined ? 600 : s, 21600) * 1000;
  return {
    store,
    get(key) {
      check(key);
      return live(key);
    },
    getAll(keys) {
      const out = {};
      for (const k of keys) {
        check(k);
        const v = live(k);
        if (v !== null) out[k] = v;
      }
      return out;
    },
    put(key, value, seconds) {
      check(key, value);
      store.set(key, { value, expires: now() + ttl(seconds) });
    },
    putAll(values, seconds) {
      for (const [k, v] of Object.entries(values)) this.put(k, v, seconds);
    },
    remove(key) {
      store.delete(key);
    },
    removeAll(keys) {
      for (const k of keys) store.delete(k);
    },
  };
}

function makeProperties(initial) {
  const store = new Map(Object.entries(initial).map(([k, v]) => [k, String(v)]));
  return {
    store,
    getProperty: (k) => (store.has(k) ? store.get(k) : null),
    setProperty(k, v) {
      store.set(k, String(v));
      return this;
    },
    setProperties(obj) {
      for (const [k, v] of Object.entries(obj)) store.set(k, String(v));
      return this;
    },
    getProperties: () => Object.fromEntries(store),
    deleteProperty(k) {
      store.delete(k);
      return this;
    },
  };
}

function makeLock(lockState, log, kind = 'document') {
  return {
    tryLock(ms) {
      if (lockState.busy) return false;
      lockState.held = true;
      log.push({ op: 'lock', kind, ms });
      return true;
    },
    waitLock(ms) {
      if (!this.tryLock(ms)) throw new Error('Exception: Lock timeout: another process was holding the lock for too long.');
    },
    hasLock: () => lockState.held,
    releaseLock() {
      lockState.held = false;
      log.push({ op: 'release', kind });
    },
  };
}

const pad = (n, w = 2) => String(n).padStart(w, '0');

function formatDate(date, timeZone, pattern) {
  if (Object.prototype.toString.call(date) !== '[object Date]' || isNaN(date.getTime())) {
    throw new Error('Exception: Invalid argument: date');
  }
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    })
      .formatToParts(date)
      .map((p) => [p.type, p.value]),
  );
  const tokens = { yyyy: parts.year, MM: parts.month, dd: parts.day, HH: parts.hour, mm: parts.minute, ss: parts.second };
  return pattern.replace(/yyyy|MM|dd|HH|mm|ss/g, (t) => tokens[t]);
}

function makeUtilities(sleeps, clock) {
  return {
    DigestAlgorithm: { SHA_256: 'sha256', MD5: 'md5', SHA_1: 'sha1' },
    Charset: { UTF_8: 'utf8', US_ASCII: 'ascii' },
    computeDigest(algorithm, value, charset = 'utf8') {
      const buf = typeof value === 'string' ? Buffer.from(value, charset) : Buffer.from(value.map((b) => b & 255));
      return [...crypto.createHash(algorithm).update(buf).digest()].map((b) => (b > 127 ? b - 256 : b));
    },
    base64Encode: (bytes) =>
      (typeof bytes === 'string' ? Buffer.from(bytes) : Buffer.from(bytes.map((b) => b & 255))).toString('base64'),
    base64EncodeWebSafe(bytes) {
      return this.base64Encode(bytes).replace(/\+/g, '-').replace(/\//g, '_');
    },
    formatDate,
    sleep(ms) {
      sleeps.push(ms);
      if (clock) clock.advance(ms);
      else Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
    },
  };
}

function makeUi(record) {
  const ui = {
    ButtonSet: { OK: 'OK', OK_CANCEL: 'OK_CANCEL', YES_NO: 'YES_NO' },
    Button: { OK: 'OK', CANCEL: 'CANCEL', YES: 'YES', NO: 'NO' },
    createMenu(name) {
      const menu = { name, items: [] };
      const api = {
        addItem(caption, fn) {
          menu.items.push({ caption, fn });
          return api;
        },
        addSeparator() {
          menu.items.push({ separator: true });
          return api;
        },
        addToUi() {
          record.menus.push(menu);
        },
      };
      return api;
    },
    alert(title, prompt, buttons) {
      record.alerts.push({ title, prompt: prompt === undefined ? title : prompt, buttons });
      return 'OK';
    },
    showSidebar(html) {
      record.sidebars.push(html);
    },
    showModalDialog(html, title) {
      record.dialogs.push({ html, title });
    },
  };
  return ui;
}

/**
 * ScriptApp's triggers (time-driven ones), kept per user and project as Apps Script does:
 * getProjectTriggers() lists the current user's; at most 20 per user per script.
 */
function makeScriptApp(triggers, clock) {
  const EventType = { CLOCK: 'CLOCK', ON_OPEN: 'ON_OPEN', ON_EDIT: 'ON_EDIT', ON_FORM_SUBMIT: 'ON_FORM_SUBMIT', ON_CHANGE: 'ON_CHANGE' };
  const TriggerSource = { CLOCK: 'CLOCK', SPREADSHEETS: 'SPREADSHEETS' };
  let next = 1;
  function newTrigger(functionName) {
    if (typeof functionName !== 'string' || !functionName) throw new Error('Exception: Invalid argument: functionName');
    return {
      timeBased() {
        const spec = {};
        const builder = {
          everyMinutes(n) {
            if (![1, 5, 10, 15, 30].includes(n)) throw new Error('Exception: The value you passed to everyMinutes is not valid. It must be 1, 5, 10, 15 or 30.');
            spec.everyMinutes = n;
            return builder;
          },
          everyHours(n) {
            if (![1, 2, 4, 6, 8, 12].includes(n)) throw new Error('Exception: The value you passed to everyHours is not valid. It must be 1, 2, 4, 6, 8 or 12.');
            spec.everyHours = n;
            return builder;
          },
          everyDays(n) {
            spec.everyDays = n;
            return builder;
          },
          after(ms) {
            spec.after = ms;
            return builder;
          },
          atHour(h) {
            spec.atHour = h;
            return builder;
          },
          nearMinute(m) {
            spec.nearMinute = m;
            return builder;
          },
          inTimezone(zone) {
            spec.timezone = zone;
            return builder;
          },
          create() {
            if (!Object.keys(spec).some((k) => ['everyMinutes', 'everyHours', 'everyDays', 'after'].includes(k))) {
              throw new Error('Exception: The trigger has no schedule.');
            }
            if (triggers.length >= 20) {
              throw new Error('Exception: This script has too many triggers. Triggers must be deleted from the script before more can be added.');
            }
            const id = String(next++);
            const trigger = {
              spec: { ...spec },
              createdAt: clock ? clock.now() : Date.now(),
              getHandlerFunction: () => functionName,
              getUniqueId: () => id,
              getEventType: () => EventType.CLOCK,
              getTriggerSource: () => TriggerSource.CLOCK,
              getTriggerSourceId: () => null,
            };
            triggers.push(trigger);
            return trigger;
          },
        };
        return builder;
      },
    };
  }
  return {
    EventType,
    TriggerSource,
    AuthMode: { FULL: 'FULL', LIMITED: 'LIMITED', NONE: 'NONE', CUSTOM_FUNCTION: 'CUSTOM_FUNCTION' },
    newTrigger,
    getProjectTriggers: () => triggers.slice(),
    getUserTriggers: () => triggers.slice(),
    deleteTrigger(trigger) {
      const i = triggers.findIndex((t) => t.getUniqueId() === trigger.getUniqueId());
      if (i < 0) throw new Error('Exception: The trigger does not exist.');
      triggers.splice(i, 1);
    },
  };
}

/** A fake clock: Date, Utilities.sleep and fetches move it; nothing waits. */
function makeClock(startMs) {
  let now = startMs;
  return {
    now: () => now,
    advance(ms) {
      now += ms;
    },
    set(ms) {
      now = ms;
    },
  };
}

/** Makes the context's Date read the fake clock (new Date(), Date.now()); other uses unchanged. */
function installClock(ctx, clock) {
  vm.runInContext(
    `(function (now) {
      var RealDate = Date;
      function FakeDate() {
        if (!new.target) return new RealDate(now()).toString();
        return arguments.length ? new (Function.prototype.bind.apply(RealDate, [null].concat([].slice.call(arguments))))() : new RealDate(now());
      }
      FakeDate.prototype = RealDate.prototype;
      FakeDate.now = function () { return now(); };
      FakeDate.UTC = RealDate.UTC;
      FakeDate.parse = RealDate.parse;
      Date = FakeDate;
    })`,
    ctx,
  )(() => clock.now());
}

function makeHtmlService(srcDir) {
  return {
    createHtmlOutputFromFile(name) {
      const file = path.join(srcDir, `${name}.html`);
      if (!fs.existsSync(file)) throw new Error(`Exception: No HTML file named ${name} was found.`);
      const content = fs.readFileSync(file, 'utf8');
      const out = {
        title: '',
        getContent: () => content,
        setTitle(t) {
          out.title = t;
          return out;
        },
        getTitle: () => out.title,
        setWidth: () => out,
        setHeight: () => out,
      };
      return out;
    },
  };
}

/**
 * Loads the add-on into a fresh context.
 * @param {object} opts
 * @param {object} [opts.documentProperties] e.g. {JDPG_API_URL: base, JDPG_API_KEY: key}
 * @param {Spreadsheet} [opts.spreadsheet] the active spreadsheet model
 * @param {function(): number} [opts.now] clock for cache expiry
 */
function loadProject({
  documentProperties = {},
  spreadsheet = new Spreadsheet(),
  now,
  clock,
  onFetch,
  srcDir = SRC,
  files,
  triggers = [],
} = {}) {
  const fetchLog = [];
  const lockLog = [];
  const sleeps = [];
  const lockState = { held: false, busy: false, script: { held: false, busy: false } };
  const ui = { menus: [], alerts: [], sidebars: [], dialogs: [] };
  const cache = makeCache(now || (clock ? clock.now : Date.now));
  const props = makeProperties(documentProperties);
  const lock = makeLock(lockState, lockLog);
  const scriptLock = makeLock(lockState.script, lockLog, 'script');
  const uiApi = makeUi(ui);
  const run = { mode: 'ui' };
  const ctx = vm.createContext({
    UrlFetchApp: makeUrlFetchApp(fetchLog, lockState, onFetch),
    Utilities: makeUtilities(sleeps, clock),
    ScriptApp: makeScriptApp(triggers, clock),
    Logger: { log: () => undefined },
    console,
    CacheService: { getDocumentCache: () => cache, getScriptCache: () => cache, getUserCache: () => cache },
    PropertiesService: {
      getDocumentProperties: () => props,
      getScriptProperties: () => props,
      getUserProperties: () => props,
    },
    LockService: { getDocumentLock: () => lock, getScriptLock: () => scriptLock, getUserLock: () => lock },
    SpreadsheetApp: {
      getActiveSpreadsheet: () => spreadsheet,
      getActive: () => spreadsheet,
      // A time-driven run has no active sheet chosen by a user: Sheets gives the first one.
      getActiveSheet: () => (run.mode === 'trigger' ? spreadsheet.getSheets()[0] : spreadsheet.getActiveSheet()),
      getUi: () => {
        if (run.mode === 'trigger') throw new Error('Exception: Cannot call SpreadsheetApp.getUi() from this context.');
        return uiApi;
      },
      newFilterCriteria: () => new FilterCriteriaBuilder(),
      newConditionalFormatRule: () => new ConditionalFormatRuleBuilder(),
      flush: () => undefined,
    },
    HtmlService: makeHtmlService(srcDir),
  });
  if (clock) installClock(ctx, clock);
  const names = files || fs.readdirSync(srcDir).filter((f) => /\.(js|gs)$/.test(f)).sort();
  for (const f of names) {
    vm.runInContext(fs.readFileSync(path.join(srcDir, f), 'utf8'), ctx, { filename: f });
  }
  /** Runs a trigger's function as Apps Script does on its schedule: no UI, a time-driven event. */
  function runTrigger(trigger) {
    const at = new Date(clock ? clock.now() : Date.now());
    run.mode = 'trigger';
    try {
      return ctx[trigger.getHandlerFunction()]({
        authMode: 'FULL',
        triggerUid: trigger.getUniqueId(),
        year: at.getUTCFullYear(),
        month: at.getUTCMonth() + 1,
        'day-of-month': at.getUTCDate(),
        hour: at.getUTCHours(),
        minute: at.getUTCMinutes(),
        second: at.getUTCSeconds(),
        timezone: 'UTC',
      });
    } finally {
      run.mode = 'ui';
    }
  }
  return { ctx, fetchLog, lockLog, sleeps, lockState, cache, props, ui, spreadsheet, triggers, runTrigger };
}

/** A JSON round trip: values made in the vm realm compare with deepStrictEqual afterwards. */
const plain = (v) => JSON.parse(JSON.stringify(v));

module.exports = { loadProject, plain, formatDate, makeClock, SRC };
