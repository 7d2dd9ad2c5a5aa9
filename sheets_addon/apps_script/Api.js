/**
 * @fileoverview Talking to the JD Promo Guard API: settings, HTTP with back-off,
 * the rules version, the result cache and the lock that serialises recalculation.
 */

/**
 * The API settings kept in document properties.
 *
 * @return {{apiUrl: string, apiKey: string}} The base URL (no trailing slash) and key.
 * @throws {Error} When no API URL has been set yet.
 */
function readSettings_() {
  var props = PropertiesService.getDocumentProperties();
  var apiUrl = (props.getProperty(PROP_API_URL) || '').replace(/\/+$/, '');
  if (!apiUrl) {
    throw new Error(
      '未设置 API 地址：请在菜单 JD Promo Guard → 设置 Settings 中填写。' +
        ' / No API URL set: open JD Promo Guard → Settings.'
    );
  }
  return { apiUrl: checkedApiUrl_(apiUrl), apiKey: props.getProperty(PROP_API_KEY) || '' };
}

/** Host names that name this machine: the only ones allowed over plain http://. */
var LOOPBACK_HOSTS = ['127.0.0.1', 'localhost', '[::1]'];

/**
 * An API base URL as the add-on uses it: https://, or http:// for a loopback host only (the
 * key would otherwise cross the network in the clear). Apps Script runs on Google's servers
 * and cannot reach a loopback address at all, so http:// only serves local tests.
 *
 * @param {string} text The URL as typed.
 * @return {string} The URL, trimmed, without a trailing slash.
 * @throws {Error} Naming the rule when the URL breaks it.
 */
function checkedApiUrl_(text) {
  var url = String(text || '').trim().replace(/\/+$/, '');
  var m = /^(https?):\/\/([^\s/?#@]+)([/?#]\S*)?$/i.exec(url);
  var host = m ? m[2].toLowerCase().replace(/:\d+$/, '') : '';
  var ok = m && (m[1].toLowerCase() === 'https' || LOOPBACK_HOSTS.indexOf(host) >= 0);
  if (!ok) {
    var words = JDPG_VOCAB.ui.api_not_https;
    throw new Error(
      words.zh + '。Apps Script 运行在 Google 的服务器上，连接不到本机地址。 / ' + words.en +
        '. Apps Script runs on Google\'s servers and cannot reach a loopback address.'
    );
  }
  return url;
}

/**
 * Turns an API error body into one readable line, Chinese first.
 *
 * @param {number} code HTTP status.
 * @param {string} text The response body.
 * @return {string} The message.
 */
function apiErrorText_(code, text) {
  /** @type {*} */
  var error = null;
  try {
    error = JSON.parse(text).error;
  } catch (e) {
    error = null;
  }
  if (error && typeof error === 'object') {
    var parts = [error.message, error.message_en].filter(function (p) {
      return p;
    });
    var missing = error.details && error.details.missing;
    if (missing && missing.length) parts.push(String(missing.join(', ')));
    return 'JD Promo Guard API ' + code + ' ' + (error.code || '') + ': ' + parts.join(' / ');
  }
  return 'JD Promo Guard API ' + code + ': ' + String(text).slice(0, 200);
}

/**
 * The message of a thrown value (an Error, or anything else thrown).
 *
 * @param {*} thrown What was caught.
 * @return {string} Its message.
 */
function errorMessage_(thrown) {
  return thrown && thrown.message ? String(thrown.message) : String(thrown);
}

/**
 * The delay before the next attempt: exponential with jitter, or the server's
 * `Retry-After` when it sends one.
 *
 * @param {number} attempt Zero-based number of the failed attempt.
 * @param {Object<string, string>} headers Response headers (may be empty).
 * @return {number} Milliseconds to wait.
 */
function backoffMs_(attempt, headers) {
  var retryAfter = headers && (headers['Retry-After'] || headers['retry-after']);
  if (retryAfter && /^\d+$/.test(String(retryAfter))) {
    return Math.min(Number(retryAfter) * 1000, RETRY_MAX_MS);
  }
  var delay = RETRY_BASE_MS * Math.pow(2, attempt) + Math.floor(Math.random() * 100);
  return Math.min(delay, RETRY_MAX_MS);
}

/**
 * Calls the API and returns its JSON answer. Retries 429, 5xx and unreachable
 * servers with exponential back-off; any other error status is thrown with the
 * API's own message.
 *
 * @param {string} method `get` or `post`.
 * @param {string} path Path below the base URL, e.g. `/api/v1/orders/annotate`.
 * @param {Object=} body JSON body for a POST.
 * @return {Object} The parsed response.
 * @throws {Error} A readable message when the call fails for good.
 */
function apiCall_(method, path, body) {
  var settings = readSettings_();
  /** @type {GoogleAppsScript.URL_Fetch.URLFetchRequestOptions} */
  var options = {
    method: method === 'post' ? 'post' : 'get',
    headers: { 'X-API-Key': settings.apiKey, Accept: 'application/json' },
    muteHttpExceptions: true,
    followRedirects: false
  };
  if (body !== undefined) {
    options.contentType = 'application/json; charset=utf-8';
    options.payload = JSON.stringify(body);
  }
  var url = settings.apiUrl + path;
  var lastProblem = '';
  for (var attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    /** @type {?GoogleAppsScript.URL_Fetch.HTTPResponse} */
    var response = null;
    try {
      response = UrlFetchApp.fetch(url, options);
    } catch (e) {
      lastProblem = 'JD Promo Guard API 无法连接 unreachable: ' + errorMessage_(e);
    }
    if (response) {
      var code = response.getResponseCode();
      var text = response.getContentText();
      if (code < 300) return JSON.parse(text);
      lastProblem = apiErrorText_(code, text);
      if (code !== 429 && code < 500) throw new Error(lastProblem);
    }
    if (attempt + 1 < MAX_ATTEMPTS) {
      Utilities.sleep(backoffMs_(attempt, response ? /** @type {Object<string,string>} */ (response.getHeaders()) : {}));
    }
  }
  throw new Error(lastProblem);
}

/**
 * The version of the rules the API applies. Part of every cache key, so a rules
 * update on the server is never hidden by results cached under older rules.
 * Looked up at most once an hour per document.
 *
 * @param {{apiUrl: string}} settings The API settings.
 * @return {string} The version text.
 */
function rulesVersion_(settings) {
  var cache = CacheService.getDocumentCache() || CacheService.getScriptCache();
  var key = 'jdpg:rules:' + digest_(settings.apiUrl);
  var known = cache.get(key);
  if (known) return known;
  var version = String(apiCall_('get', '/api/v1/rules').version || 'unversioned');
  cache.put(key, version, RULES_VERSION_TTL_S);
  return version;
}

/**
 * A short web-safe SHA-256 digest of a text.
 *
 * @param {string} text Any text.
 * @return {string} 43-character digest.
 */
function digest_(text) {
  var bytes = Utilities.computeDigest(Utilities.DigestAlgorithm.SHA_256, text, Utilities.Charset.UTF_8);
  return Utilities.base64EncodeWebSafe(bytes).replace(/=+$/, '');
}

/**
 * Reads a value stored by {@link cachePut_}, or null.
 *
 * @param {GoogleAppsScript.Cache.Cache} cache The cache.
 * @param {string} key The key.
 * @return {*} The stored value, or null when absent or partly expired.
 */
function cacheGet_(cache, key) {
  var head = cache.get(key);
  if (head === null) return null;
  var count = Number(head);
  var keys = [];
  for (var i = 0; i < count; i++) keys.push(key + ':' + i);
  var parts = cache.getAll(keys);
  var text = '';
  for (var j = 0; j < keys.length; j++) {
    if (typeof parts[keys[j]] !== 'string') return null;
    text += parts[keys[j]];
  }
  return JSON.parse(text);
}

/**
 * Stores a JSON value, split into parts under CacheService's 100 KB value limit.
 *
 * @param {GoogleAppsScript.Cache.Cache} cache The cache.
 * @param {string} key The key.
 * @param {*} value Any JSON value.
 * @param {number} ttlSeconds Lifetime.
 */
function cachePut_(cache, key, value, ttlSeconds) {
  var text = JSON.stringify(value);
  /** @type {Object<string, string>} */
  var entries = {};
  var count = 0;
  for (var start = 0; start < text.length || count === 0; start += CACHE_PART_CHARS) {
    entries[key + ':' + count] = text.slice(start, start + CACHE_PART_CHARS);
    count++;
  }
  entries[key] = String(count);
  cache.putAll(entries, ttlSeconds);
}

/**
 * Runs `compute` once per distinct input: answers from the cache when it can,
 * otherwise under the document lock (so concurrent recalculations of the same
 * sheet make one API call, not one each) and stores the answer.
 *
 * @param {string} kind Which computation (part of the key).
 * @param {Object} input Everything the answer depends on, besides the API URL and rules version.
 * @param {boolean} pinned True when the input fixes `as_of`, so the answer never changes.
 * @param {() => *} compute Makes the API call(s) and returns a JSON value.
 * @return {*} The answer.
 */
function cachedCall_(kind, input, pinned, compute) {
  var settings = readSettings_();
  var cache = CacheService.getDocumentCache() || CacheService.getScriptCache();
  var lock = LockService.getDocumentLock() || LockService.getScriptLock();
  if (!lock.tryLock(LOCK_WAIT_MS)) {
    throw new Error('JD Promo Guard 正忙，请稍后重算。 / Busy with another recalculation, please retry.');
  }
  try {
    var key =
      'jdpg:' + kind + ':' + digest_(JSON.stringify([settings.apiUrl, rulesVersion_(settings), input]));
    var cached = cacheGet_(cache, key);
    if (cached !== null) return cached;
    var value = compute();
    cachePut_(cache, key, value, pinned ? CACHE_TTL_PINNED_S : CACHE_TTL_LIVE_S);
    return value;
  } finally {
    lock.releaseLock();
  }
}
