/**
 * @fileoverview Constants and the vocabulary look-ups shared by the add-on's files.
 *
 * Apps Script loads every file of the project into one global scope, in the order of the
 * project's files. Nothing here runs a service or reads another file's values at load time,
 * so the files may be loaded in any order: the words come from JDPG_VOCAB (Vocabulary.js,
 * generated from shared/data/vocabulary.toml) when a function asks for them.
 */

/** Document property holding the API base URL (never stored in a formula). */
var PROP_API_URL = 'JDPG_API_URL';

/** Document property holding the API key, sent as the `X-API-Key` header. */
var PROP_API_KEY = 'JDPG_API_KEY';

/** Time-zone of JD's own times (exports, deadlines): Beijing time. */
var BEIJING_TZ = 'Asia/Shanghai';

/** The text form of a time that the API reads as Beijing time. */
var TIME_PATTERN = 'yyyy-MM-dd HH:mm:ss';

/** Cache lifetime when the caller pins `as_of`: the result cannot change (CacheService max). */
var CACHE_TTL_PINNED_S = 21600;

/** Cache lifetime when the result depends on "now" (no `as_of`). */
var CACHE_TTL_LIVE_S = 600;

/** Cache lifetime of the rules version looked up from GET /api/v1/rules. */
var RULES_VERSION_TTL_S = 3600;

/**
 * CacheService refuses values over 100 KB (bytes, UTF-8); longer values are stored in parts.
 * A UTF-16 code unit takes at most 3 bytes, so 30,000 of them always fit.
 */
var CACHE_PART_CHARS = 30000;

/** How long a recalculation waits for another one to finish (custom functions get 30 s). */
var LOCK_WAIT_MS = 20000;

/** Attempts for one API call when the API answers 429 or 5xx, or cannot be reached. */
var MAX_ATTEMPTS = 4;

/** First back-off delay; doubled after each failed attempt. */
var RETRY_BASE_MS = 500;

/** Upper bound on one back-off delay, also applied to a `Retry-After` header. */
var RETRY_MAX_MS = 8000;

/** The API refuses more rows or orders than this in one call (server setting JDPG_MAX_ORDERS). */
var MAX_ROWS_PER_CALL = 5000;

/**
 * Largest JSON body sent in one call, in UTF-8 bytes: half the API's default body limit
 * (JDPG_MAX_BODY_BYTES, 16 MiB), far below UrlFetch's 50 MB per request. The answer to a
 * call is about as big again, well under UrlFetch's 50 MB response limit.
 */
var MAX_PAYLOAD_BYTES = 8 * 1024 * 1024;

/** Apps Script stops a menu action or trigger run after 6 minutes (the "Script runtime" limit). */
var EXECUTION_LIMIT_MS = 6 * 60 * 1000;

/** Apps Script stops a custom function after 30 seconds ("Custom function runtime"). */
var CUSTOM_FUNCTION_LIMIT_MS = 30 * 1000;

/** Time kept back from a custom function's 30 s for turning the answer into cells. */
var CUSTOM_FUNCTION_RESERVE_MS = 5 * 1000;

/**
 * Time kept back from a run's limit for writing the results and one more slow call: a run
 * starts no API call that could end later than its limit minus this.
 */
var TIME_RESERVE_MS = 60 * 1000;

/**
 * Time one hourly refresh may take. Consumer accounts get 90 minutes of trigger runtime a day;
 * 24 runs of at most 3 minutes stay inside it. A bigger sheet goes on where it stopped at the
 * next run.
 */
var REFRESH_LIMIT_MS = 3 * 60 * 1000;

/** Document property: where an annotation that ran out of time stopped (JSON). */
var PROP_RESUME = 'JDPG_RESUME';

/** Document property: the id of the sheet the hourly refresh re-annotates. */
var PROP_REFRESH_SHEET = 'JDPG_REFRESH_SHEET_ID';

/** The ship statuses a to-do list shows (with rows that owe money): act on these now. */
var TODO_SHIP_STATUSES = ['overdue', 'at_risk'];

/** The function the hourly trigger runs. */
var REFRESH_HANDLER = 'refreshAnnotations';

/**
 * Every column the add-on writes has a header starting with this prefix; it is how
 * "Annotate this sheet" and "Clear annotations" recognise their own columns.
 *
 * @return {string} "JDPG ".
 */
function ownHeaderPrefix_() {
  return JDPG_VOCAB.prefix;
}

/**
 * A `ship.status` code as the rows API writes it in its column: "按时发货 shipped_on_time".
 *
 * @param {string} code The status code.
 * @return {string} The label (the code itself when the vocabulary does not know it).
 */
function shipStatusLabel_(code) {
  var words = JDPG_VOCAB.ship_status[code];
  return words ? words.zh + ' ' + code : code;
}

/**
 * The title of one of our columns, as the rows API writes it: "JDPG 发货状态 Ship status".
 *
 * @param {string} key The column key (`ship_status`, `compensation`, ...).
 * @return {string} The header text.
 */
function ownColumnTitle_(key) {
  var column = JDPG_VOCAB.columns.filter(function (c) {
    return c.key === key;
  })[0];
  if (!column) throw new Error('Unknown column ' + key);
  return JDPG_VOCAB.prefix + column.zh + ' ' + column.en;
}

/**
 * The ship-status codes whose rows get the given row colour (`late`, `at_risk`, `ok`).
 *
 * @param {string} row The row status.
 * @return {Array<string>} The codes, in the vocabulary's order.
 */
function shipStatusesWithRow_(row) {
  return Object.keys(JDPG_VOCAB.ship_status).filter(function (code) {
    return JDPG_VOCAB.ship_status[code].row === row;
  });
}

