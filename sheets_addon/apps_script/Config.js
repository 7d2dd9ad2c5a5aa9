/**
 * @fileoverview Constants shared by the JD Promo Guard add-on files.
 *
 * Apps Script loads every file of the project into one global scope, so these
 * names are visible to the other files. Nothing here calls a service: the
 * files may be loaded in any order.
 */

/** Document property holding the API base URL (never stored in a formula). */
var PROP_API_URL = 'JDPG_API_URL';

/** Document property holding the API key, sent as the `X-API-Key` header. */
var PROP_API_KEY = 'JDPG_API_KEY';

/**
 * Every column the add-on writes has a header starting with this prefix; it is
 * how "Annotate this sheet" and "Clear annotations" recognise their own columns.
 */
var OWN_HEADER_PREFIX = 'JDPG ';

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

/** Background colours of annotation rows, by the rows API's `row_status`. */
var STATUS_COLOURS = {
  late: '#f4c7c3',
  at_risk: '#fce8b2',
  owed: '#c9daf8',
  error: '#e6e6e6'
};

/** Chinese and English labels of `ship.status`, as the rows API writes them (shared/columns.py). */
var SHIP_STATUS_LABELS = {
  shipped_on_time: '按时发货 shipped_on_time',
  shipped_late: '超时发货 shipped_late',
  pending: '待发货 pending',
  at_risk: '即将超时 at_risk',
  overdue: '已超时未发货 overdue',
  shipped_time_unknown: '已发货（时间未知） shipped_time_unknown'
};
