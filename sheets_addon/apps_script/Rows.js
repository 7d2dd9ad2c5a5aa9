/**
 * @fileoverview Annotating a header row and data rows through POST /api/v1/rows/annotate,
 * within Apps Script's limits: calls of at most {@link MAX_ROWS_PER_CALL} rows and
 * {@link MAX_PAYLOAD_BYTES} bytes, no order cut between two (the API says where the last one
 * begins), and no call started that could end after the run's time limit (6 min for a menu
 * action or trigger, 30 s for a custom function).
 */

/**
 * A run's clock: when it started and how long its slowest API call took, so that it starts
 * no call that could end after `limitMs` minus `reserveMs`.
 *
 * @param {number} limitMs The run's time limit.
 * @param {number} reserveMs Time kept back for what comes after the calls.
 * @return {{allowsCall: () => boolean, timed: (call: () => *) => *, elapsedMs: () => number}} The budget.
 */
function timeBudget_(limitMs, reserveMs) {
  var start = Date.now();
  var slowest = 0;
  return {
    allowsCall: function () {
      return Date.now() - start + slowest + reserveMs <= limitMs;
    },
    timed: function (call) {
      var before = Date.now();
      try {
        return call();
      } finally {
        slowest = Math.max(slowest, Date.now() - before);
      }
    },
    elapsedMs: function () {
      return Date.now() - start;
    }
  };
}

/**
 * Bytes of a text in UTF-8 (what the request body weighs), without building the bytes.
 *
 * @param {string} text Any text.
 * @return {number} Its UTF-8 length.
 */
function utf8Length_(text) {
  var bytes = 0;
  for (var i = 0; i < text.length; i++) {
    var code = text.charCodeAt(i);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}

/**
 * Annotates a header row and data rows. Trailing blank rows are not sent; they come back as
 * blank annotation rows.
 *
 * @param {Array<Array<*>>} grid Header row first, then data rows.
 * @param {string} asOf "now" as text, or ''.
 * @param {string} platform Default platform, or ''.
 * @param {string} zone The sheet's time zone, for Date cells.
 * @param {{useCache?: boolean, budget: *, startRow?: number, incompleteError?: string}} opts
 *     `useCache` answers from (and fills) the result cache; `budget` from {@link timeBudget_};
 *     `startRow` skips the orders whose first line is before that data row (a resumed run);
 *     `incompleteError` is thrown when the budget runs out (a custom function cannot resume).
 * @return {{header: Array<string>, rows: Array<Array<*>>, row_status: Array<string>, done: Array<boolean>, nextRow: number, calls: number, summaries: Array<Object>}}
 *     One row per data row; `done[i]` when row i was annotated in this run; `nextRow` the data
 *     row to resume from, or -1 when every row is done.
 */
function annotateRows_(grid, asOf, platform, zone, opts) {
  var text = function (row) {
    return row.map(function (cell) {
      return cellText_(cell, zone);
    });
  };
  var request = { header: text(grid[0]) };
  if (asOf) request.as_of = asOf;
  if (platform) request.defaults = { platform: platform };
  var rows = grid.slice(1).map(text);
  var filled = rows.length;
  while (filled > 0 && rows[filled - 1].join('') === '') filled--;
  var sent = rows.slice(0, filled);
  var startRow = opts.startRow || 0;
  var compute = function () {
    var result = annotateInCalls_(request, sent, opts.budget, startRow);
    if (result.nextRow >= 0 && opts.incompleteError) throw new Error(opts.incompleteError);
    return result;
  };
  var table = opts.useCache
    ? cachedCall_('rows', { request: request, rows: sent }, Boolean(asOf), compute)
    : compute();
  var blank = table.header.map(function () {
    return '';
  });
  for (var i = filled; i < rows.length; i++) {
    table.rows.push(blank.slice());
    table.row_status.push('blank');
    table.done.push(startRow <= i);
  }
  return table;
}

/**
 * The rows request with these rows.
 *
 * @param {Object} request Header, as_of, defaults.
 * @param {Array<Array<string>>} rows Data rows.
 * @return {Object} The request body.
 */
function withRows_(request, rows) {
  var body = JSON.parse(JSON.stringify(request));
  body.rows = rows;
  return body;
}

/**
 * Packs whole orders into calls of at most `maxRows` rows and `maxBytes` body bytes. An order
 * bigger than that alone makes a call of its own (the API then says what is wrong).
 *
 * @param {Array<Array<string>>} rows Data rows.
 * @param {Array<Array<number>>} groups Row indexes per order.
 * @param {number} baseBytes Bytes of the request without rows.
 * @param {number} maxRows Row limit per call.
 * @param {number} maxBytes Body limit per call.
 * @return {Array<{first: number, indexes: Array<number>}>} The calls; `first` is the first row of the call's first order.
 */
function planCalls_(rows, groups, baseBytes, maxRows, maxBytes) {
  /** @type {Array<{first: number, indexes: Array<number>}>} */
  var calls = [];
  var bytes = 0;
  groups.forEach(function (group) {
    var groupBytes = 0;
    group.forEach(function (i) {
      groupBytes += utf8Length_(JSON.stringify(rows[i])) + 1;
    });
    var current = calls[calls.length - 1];
    if (!current || current.indexes.length + group.length > maxRows || bytes + groupBytes > maxBytes) {
      current = { first: group[0], indexes: [] };
      calls.push(current);
      bytes = baseBytes;
    }
    Array.prototype.push.apply(current.indexes, group);
    bytes += groupBytes;
  });
  return calls;
}

/**
 * Calls the rows API as few times as the limits allow and returns the annotation in the input's
 * row order. Which rows make an order is the rules core's one rule (adjacent lines of one id;
 * an id that comes back later is annotated apart, with a note), never worked out here: a table
 * too big for one call goes in parts of consecutive rows, each with the order-id cells of the
 * rows above it (`earlier_order_ids`) and says more rows follow (`continues`): the API then
 * leaves out the part's last order, which the next part starts with, so no order is cut. When the budget runs out it stops before the next call
 * and says where to resume.
 *
 * @param {Object} request Header, as_of, defaults.
 * @param {Array<Array<string>>} rows Data rows, none blank at the end.
 * @param {*} budget From {@link timeBudget_}.
 * @param {number} startRow The first row of this run (rows above it were done earlier).
 * @return {{header: Array<string>, rows: Array<Array<*>>, row_status: Array<string>, done: Array<boolean>, nextRow: number, calls: number, summaries: Array<Object>}}
 *     The annotation (rows not done are blank).
 */
function annotateInCalls_(request, rows, budget, startRow) {
  var path = '/api/v1/rows/annotate';
  var call = function (body) {
    return budget.timed(function () {
      return apiCall_('post', path, body);
    });
  };
  var table = {
    header: /** @type {Array<string>} */ ([]),
    rows: new Array(rows.length),
    row_status: new Array(rows.length),
    done: rows.map(function () {
      return false;
    }),
    nextRow: -1,
    calls: 0,
    summaries: /** @type {Array<Object>} */ ([])
  };
  var keep = function (part, from, count) {
    table.header = part.header;
    table.summaries.push(part.summary);
    for (var j = 0; j < count; j++) {
      table.rows[from + j] = part.rows[j].map(cellValue_);
      table.row_status[from + j] = part.row_status[j];
      table.done[from + j] = true;
    }
  };
  var baseBytes = utf8Length_(JSON.stringify(withRows_(request, [])));
  var rowBytes = rows.map(function (row) {
    return utf8Length_(JSON.stringify(row)) + 1;
  });
  var allBytes = rowBytes.reduce(function (a, b) {
    return a + b;
  }, 0);
  if (startRow === 0 && rows.length <= MAX_ROWS_PER_CALL && baseBytes + allBytes <= MAX_PAYLOAD_BYTES) {
    keep(call(withRows_(request, rows)), 0, rows.length);
    table.calls = 1;
  } else {
    var probe = call(withRows_(request, []));
    table.calls++;
    table.header = probe.header;
    var idHeader = Object.keys(probe.mapping).filter(function (h) {
      return probe.mapping[h] === 'order_id';
    })[0];
    var idIndex = request.header
      .map(function (h) {
        return String(h).trim();
      })
      .indexOf(idHeader);
    /** @type {Array<string>} */
    var earlier = [];
    /** @type {Object<string, boolean>} */
    var listed = {};
    var earlierBytes = utf8Length_(',"earlier_order_ids":[]');
    var listedTo = 0;
    var listUpTo = function (end) {
      for (var i = listedTo; i < end; i++) {
        var id = idIndex >= 0 ? rows[i][idIndex] || '' : '';
        if (id !== '' && !Object.prototype.hasOwnProperty.call(listed, id)) {
          listed[id] = true;
          earlier.push(id);
          earlierBytes += utf8Length_(JSON.stringify(id)) + 1;
        }
      }
      listedTo = end;
    };
    var start = startRow;
    while (start < rows.length) {
      if (!budget.allowsCall()) {
        table.nextRow = start;
        break;
      }
      listUpTo(start);
      var bytes = baseBytes + (earlier.length ? earlierBytes : 0);
      var end = start;
      while (end < rows.length && end - start < MAX_ROWS_PER_CALL && (end === start || bytes + rowBytes[end] <= MAX_PAYLOAD_BYTES)) {
        bytes += rowBytes[end];
        end++;
      }
      var body = withRows_(request, rows.slice(start, end));
      if (earlier.length) body.earlier_order_ids = earlier;
      // The last order of a part may go on in the rows after it: the API leaves it for the next part.
      if (end < rows.length) body.continues = true;
      var part = call(body);
      table.calls++;
      keep(part, start, part.rows.length);
      start += part.rows.length;
    }
  }
  var blank = table.header.map(function () {
    return '';
  });
  for (var i = 0; i < rows.length; i++) {
    if (!table.done[i]) {
      table.rows[i] = blank.slice();
      table.row_status[i] = '';
    }
  }
  return table;
}
