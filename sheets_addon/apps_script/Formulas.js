/**
 * @fileoverview The custom formulas. Each takes ranges, makes one annotate call to
 * the API per recalculation (never one per cell; more only past the API's row or
 * payload limit per call), and returns a 2D array of the first argument's shape.
 * A row the API cannot evaluate gets the API's error text in its cell; the other
 * rows are answered as usual.
 */

/**
 * Builds one order per non-blank cell of the first argument, annotates them all
 * in one POST /api/v1/orders/annotate call (cached), and maps each result to a cell.
 *
 * @param {string} name The formula's name (part of the cache key).
 * @param {Object<string, *>} args The formula's arguments, the first setting the shape.
 * @param {*} asOf A cell (Date or text) fixing "now", or '' for the server's clock.
 * @param {(text: (name: string) => string, raw: (name: string) => *) => Object} toOrder
 *     Makes an order from a cell's arguments, given `text(name)` (as API text) and `raw(name)`.
 * @param {(result: Object) => *} toCell Reads the cell value from one order result.
 * @return {Array<Array<*>>} The cells.
 */
function perOrderFormula_(name, args, asOf, toOrder, toCell) {
  var budget = timeBudget_(CUSTOM_FUNCTION_LIMIT_MS, CUSTOM_FUNCTION_RESERVE_MS);
  var view = alignArgs_(args);
  var zone = sheetTimeZone_();
  var primary = Object.keys(args)[0];
  var orders = [];
  var out = [];
  for (var r = 0; r < view.rows; r++) {
    var row = [];
    for (var c = 0; c < view.cols; c++) {
      row.push('');
      if (cellText_(view.at(primary, r, c), zone) === '') continue;
      var order = toOrder(
        function (arg) {
          return cellText_(view.at(arg, r, c), zone);
        },
        function (arg) {
          return view.at(arg, r, c);
        }
      );
      order.order_id = String(r * view.cols + c);
      orders.push(order);
    }
    out.push(row);
  }
  if (!orders.length) return out;

  var body = { orders: orders };
  var asOfText = cellText_(asOf, zone);
  if (asOfText) body.as_of = asOfText;
  var cells = cachedCall_(name, body, Boolean(asOfText), function () {
    var base = JSON.parse(JSON.stringify(body));
    base.orders = [];
    var groups = orders.map(function (_, i) {
      return [i];
    });
    var calls = planCalls_(orders, groups, utf8Length_(JSON.stringify(base)), MAX_ROWS_PER_CALL, MAX_PAYLOAD_BYTES);
    /** @type {Array<*>} */
    var answers = [];
    calls.forEach(function (call) {
      if (!budget.allowsCall()) {
        throw new Error(
          '区域太大，无法在自定义函数 30 秒上限内算完：请分成较小的区域。' +
            ' / Too many cells to finish within the 30 s custom-function limit: split the range.'
        );
      }
      base.orders = call.indexes.map(function (i) {
        return orders[i];
      });
      var response = budget.timed(function () {
        return apiCall_('post', '/api/v1/orders/annotate', base);
      });
      response.results.forEach(function (result) {
        answers.push(result.errors && result.errors.length ? errorText_(result.errors) : cellValue_(toCell(result)));
      });
    });
    return answers;
  });
  orders.forEach(function (order, i) {
    var index = Number(order.order_id);
    out[Math.floor(index / view.cols)][index % view.cols] = cells[i];
  });
  return out;
}

/**
 * Drops empty fields so the API reports them as missing rather than invalid.
 *
 * @param {Object<string, *>} fields Field values ('' for empty).
 * @return {Object<string, *>} The non-empty fields.
 */
function present_(fields) {
  /** @type {Object<string, *>} */
  var kept = {};
  Object.keys(fields).forEach(function (key) {
    if (fields[key] !== '' && fields[key] !== undefined) kept[key] = fields[key];
  });
  return kept;
}

/**
 * Sum of a result's compensation items of one rule and status, as "0.00" text.
 *
 * @param {Object} result One order result.
 * @param {string} rule The rule id.
 * @param {string} status `owed` or `if_claimed`.
 * @return {string} The amount in yuan.
 */
function compensationOf_(result, rule, status) {
  var fen = 0;
  var items = (result.compensation && result.compensation.items) || [];
  items.forEach(function (item) {
    if (item.rule === rule && (item.status || 'owed') === status) fen += Math.round(Number(item.amount) * 100);
  });
  return (fen / 100).toFixed(2);
}

/**
 * Why the API could not evaluate a rule for an order, or '' when it could.
 *
 * @param {Object} result One order result.
 * @param {string} rule The rule id.
 * @return {string} The reason, Chinese first.
 */
function skippedText_(result, rule) {
  if ((result.skipped || []).indexOf(rule) < 0) return '';
  var reason = (result.skipped_reasons || {})[rule] || {};
  var text = [reason.message, reason.message_en].filter(Boolean).join(' / ');
  return '无法判断 not evaluated: ' + (text || rule);
}

/**
 * 发货截止时间: when each order must ship (Beijing time), from its payment time.
 *
 * @param {Date|string|Array<Array<Date|string>>} paid_at 付款确认时间 payment confirmed, a cell or range.
 * @param {string|Array<Array<string>>} [platform] 平台 jd, jd_international or jingxi; a cell, range or text (default jd).
 * @return {Array<Array<string>>} Ship-by times, "yyyy-MM-dd HH:mm:ss", or the reason a row has none.
 * @customfunction
 */
function JD_SHIP_BY(paid_at, platform) {
  return perOrderFormula_(
    'JD_SHIP_BY',
    { paid_at: paid_at, platform: platform === undefined ? '' : platform },
    '',
    function (text) {
      return present_({ paid_at: text('paid_at'), platform: text('platform') });
    },
    function (result) {
      return beijingText_(result.ship && result.ship.deadline);
    }
  );
}

/**
 * A duration as people write it: the one duration format of shared/duration.py and the extension's
 * common/duration.js (tests/js/fixtures/durations.json holds all three equal). Time late is rounded
 * up and time left down, so an at-risk order never reads "6 h left" under a 6 h threshold, nor one
 * second late "0 min". Under an hour: minutes; under 48 hours: hours to the tenth without ".0";
 * from 48 hours: days and whole hours ("7 天 13 小时").
 *
 * @param {number} totalSeconds A whole, non-negative number of seconds.
 * @param {boolean} up True to round up (time late).
 * @return {{zh: string, en: string}} The duration in both languages.
 */
function durationWords_(totalSeconds, up) {
  var divide = function (count, unit) {
    return up ? Math.ceil(count / unit) : Math.floor(count / unit);
  };
  var phrases = JDPG_VOCAB.phrases.duration;
  var phrase;
  var values;
  var minutes = divide(totalSeconds, 60);
  var tenths = divide(totalSeconds, 360);
  var hours = divide(totalSeconds, 3600);
  if (minutes < 60) {
    phrase = phrases.minutes;
    values = { n: String(minutes) };
  } else if (tenths < DAYS_FROM_HOURS_ * 10) {
    phrase = phrases.hours;
    values = { n: tenths % 10 ? Math.floor(tenths / 10) + '.' + (tenths % 10) : String(tenths / 10) };
  } else if (hours % 24 === 0) {
    phrase = phrases.whole_days;
    values = { d: String(hours / 24) };
  } else {
    phrase = phrases.days;
    values = { d: String(Math.floor(hours / 24)), h: String(hours % 24) };
  }
  return { zh: JDPG_VOCAB.fill(phrase.zh, values), en: JDPG_VOCAB.fill(phrase.en, values) };
}

/** From this many hours on, a duration is said in days and hours (as common/duration.js). */
var DAYS_FROM_HOURS_ = 48;

/**
 * "晚 1 小时 / 1 h late": the API's hours (hundredths, already rounded the rules' way) said with
 * the `ui` entry `key` (late_by, time_left) in both languages.
 *
 * @param {string} key The `ui` entry, with a {d} placeholder.
 * @param {number} hours The API's hours.
 * @param {boolean} up True to round up (hours late).
 * @return {string}
 */
function durationText_(key, hours, up) {
  var words = durationWords_(Math.max(0, Math.round(Number(hours || 0) * 100) * 36), up);
  var ui = JDPG_VOCAB.ui[key];
  return JDPG_VOCAB.fill(ui.zh, { d: words.zh }) + ' / ' + JDPG_VOCAB.fill(ui.en, { d: words.en });
}

/**
 * 发货状态: shipped on time, shipped late, pending, at risk or overdue, with the hours late or left.
 *
 * @param {Date|string|Array<Array<Date|string>>} paid_at 付款确认时间 payment confirmed, a cell or range.
 * @param {Date|string|Array<Array<Date|string>>} [picked_up_at] 揽收时间 carrier pickup (blank: not shipped yet).
 * @param {string|Array<Array<string>>} [platform] 平台 jd, jd_international or jingxi (default jd).
 * @param {Date|string} [as_of] 截至时间 the "now" for pending orders, from a cell (NOW() cannot be passed).
 * @return {Array<Array<string>>} The status of each order, Chinese and English.
 * @customfunction
 */
function JD_SHIP_STATUS(paid_at, picked_up_at, platform, as_of) {
  return perOrderFormula_(
    'JD_SHIP_STATUS',
    {
      paid_at: paid_at,
      picked_up_at: picked_up_at === undefined ? '' : picked_up_at,
      platform: platform === undefined ? '' : platform
    },
    as_of === undefined ? '' : as_of,
    function (text) {
      return present_({ paid_at: text('paid_at'), picked_up_at: text('picked_up_at'), platform: text('platform') });
    },
    function (result) {
      var ship = result.ship;
      if (!ship) return '';
      var label = shipStatusLabel_(ship.status);
      if (ship.late_by_hours !== null && ship.late_by_hours !== undefined) {
        return label + '（' + durationText_('late_by', ship.late_by_hours, true) + '）';
      }
      if (ship.hours_left !== null && ship.hours_left !== undefined) {
        return label + '（' + durationText_('time_left', ship.hours_left, false) + '）';
      }
      return label;
    }
  );
}

/**
 * 买贵双倍赔: what the merchant owes when a consumer paid more on JD than on a listed
 * platform: (JD paid − other paid) × 2, if claimed by the end of the order's day.
 *
 * @param {number|string|Array<Array<number|string>>} jd_paid 京东实付 JD paid amount (yuan).
 * @param {number|string|Array<Array<number|string>>} competitor_paid 对方实付 the other platform's paid amount.
 * @param {string|Array<Array<string>>} competitor 对方平台 pdd_billion_subsidy or tmall.
 * @param {number|string|Array<Array<number|string>>} monthly_sales 对方月销量 the other listing's monthly sales.
 * @param {Date|string|Array<Array<Date|string>>} claimed_at 申请时间 when the consumer claimed.
 * @param {Date|string|Array<Array<Date|string>>} paid_at 付款时间 JD payment time (下单时间 if that is all you have).
 * @param {boolean|string|Array<Array<boolean|string>>} [same_product] 同款已核实 TRUE once the other listing is checked to be the same item.
 * @param {boolean|string|Array<Array<boolean|string>>} [service_mark] 有买贵双倍赔标识 TRUE if your item carries the service mark.
 * @param {boolean|string|Array<Array<boolean|string>>} [proof] 有效凭证 TRUE once the claim's proof (the other paid order) is checked.
 * @param {boolean|string|Array<Array<boolean|string>>} [on_sale] 比价商品在售可售 TRUE once the other item is checked to be on sale and available.
 * @return {Array<Array<string>>} Amount owed in yuan ("40.00"); "40.00 待核实 if upheld" while the same
 *     item, service mark, proof or the other item's sale is unconfirmed; "0.00" when nothing is owed; or why it cannot be judged.
 * @customfunction
 */
function JD_PRICE_MATCH(jd_paid, competitor_paid, competitor, monthly_sales, claimed_at, paid_at, same_product, service_mark, proof, on_sale) {
  return perOrderFormula_(
    'JD_PRICE_MATCH',
    {
      jd_paid: jd_paid,
      competitor_paid: competitor_paid,
      competitor: competitor,
      monthly_sales: monthly_sales,
      claimed_at: claimed_at,
      paid_at: paid_at,
      same_product: same_product === undefined ? '' : same_product,
      service_mark: service_mark === undefined ? '' : service_mark,
      proof: proof === undefined ? '' : proof,
      on_sale: on_sale === undefined ? '' : on_sale
    },
    '',
    function (text) {
      return present_({
        paid_at: text('paid_at'),
        paid_amount: text('jd_paid'),
        price_match: present_({
          jd_paid_amount: text('jd_paid'),
          competitor_paid_amount: text('competitor_paid'),
          competitor_platform: text('competitor'),
          competitor_monthly_sales: text('monthly_sales'),
          claimed_at: text('claimed_at'),
          same_product: text('same_product'),
          service_mark: text('service_mark'),
          proof: text('proof'),
          on_sale: text('on_sale')
        })
      });
    },
    function (result) {
      var skipped = skippedText_(result, 'PRICE-MATCH');
      if (skipped) return skipped;
      var possible = compensationOf_(result, 'PRICE-MATCH', 'if_claimed');
      if (possible !== '0.00') return possible + ' 待核实 if upheld';
      return compensationOf_(result, 'PRICE-MATCH', 'owed');
    }
  );
}

/**
 * 满3免3: the merchant's share of the platform red envelope for a qualifying order
 * (half the envelope; the envelope is the paid amount, capped at 10 yuan). The activity's
 * end comes from the campaign found by payment time and platform, so give those too.
 *
 * @param {number|string|Array<Array<number|string>>} paid_amount 实付金额 paid amount (yuan).
 * @param {Date|string|Array<Array<Date|string>>} [paid_at] 付款时间 payment time (finds the campaign).
 * @param {string|Array<Array<string>>} [platform] 平台 jd, jd_international or jingxi (default jd).
 * @return {Array<Array<string>>} The merchant's share in yuan ("5.00"), or why it cannot be judged.
 * @customfunction
 */
function JD_RED_ENVELOPE(paid_amount, paid_at, platform) {
  return perOrderFormula_(
    'JD_RED_ENVELOPE',
    {
      paid_amount: paid_amount,
      paid_at: paid_at === undefined ? '' : paid_at,
      platform: platform === undefined ? '' : platform
    },
    '',
    function (text) {
      var order = present_({ paid_amount: text('paid_amount'), paid_at: text('paid_at'), platform: text('platform') });
      order.red_envelope = { qualifying: true };
      return order;
    },
    function (result) {
      return skippedText_(result, 'RED-ENVELOPE-3FOR3') || compensationOf_(result, 'RED-ENVELOPE-3FOR3', 'owed');
    }
  );
}

/**
 * 7天无理由退货: the last moment (Beijing time) a consumer may return an order without reason.
 *
 * @param {Date|string|Array<Array<Date|string>>} received_at 签收时间 when the consumer received the order.
 * @return {Array<Array<string>>} Return-by times, "yyyy-MM-dd HH:mm:ss".
 * @customfunction
 */
function JD_RETURN_BY(received_at) {
  return perOrderFormula_(
    'JD_RETURN_BY',
    { received_at: received_at },
    '',
    function (text) {
      return { received_at: text('received_at') };
    },
    function (result) {
      return beijingText_(result.deadlines && result.deadlines.return_by) || skippedText_(result, 'RETURN-7DAY');
    }
  );
}

/**
 * 整表标注: annotates a block of exported orders (its first row the header, JD export
 * headers such as 订单号 / 付款确认时间 or contract names) and returns the annotation
 * columns with their own header row. Lines of one order share the order's result.
 *
 * @param {Array<Array<*>>} range_with_header_row The orders, header row first, e.g. A1:Z.
 * @param {Date|string} [as_of] 截至时间 the "now" for pending orders, from a cell.
 * @param {string} [platform] 平台 default platform for rows that do not say (jd, jd_international, jingxi).
 * @return {Array<Array<*>>} The annotation header and one row per input row.
 * @customfunction
 */
function JD_ANNOTATE(range_with_header_row, as_of, platform) {
  var budget = timeBudget_(CUSTOM_FUNCTION_LIMIT_MS, CUSTOM_FUNCTION_RESERVE_MS);
  var grid = asGrid_(range_with_header_row);
  var zone = sheetTimeZone_();
  var table = annotateRows_(grid, cellText_(as_of, zone), cellText_(platform, zone), zone, {
    useCache: true,
    budget: budget,
    incompleteError:
      '区域太大，无法在自定义函数 30 秒上限内标注：请用菜单 JD Promo Guard → 标注本表。' +
      ' / Too many rows to annotate within the 30 s custom-function limit: use JD Promo Guard → Annotate this sheet.'
  });
  return [table.header].concat(table.rows);
}
