/**
 * @fileoverview What a run could not check: the rows API's `summary.coverage` (per rule family,
 * the orders judged and why the others were not) added up over the run's calls, and said in
 * words. A count that was not measured is never shown as 0.
 */

/**
 * The coverage of several calls' summaries, added up: per family `orders`, `judged`,
 * `not_judged`, and its reasons by (code, field, column) with their `orders` added. A reason's
 * sentences are kept only when one call gave it (they count its orders); otherwise they are
 * left out and {@link coverageLines_} says the reason from its column and count.
 *
 * @param {Array<Object>} summaries The calls' `summary` objects.
 * @return {?Object<string, {orders: number, judged: number, not_judged: number, reasons: Array<Object>}>}
 *     Null when no call measured coverage.
 */
function mergeCoverage_(summaries) {
  /** @type {?Object<string, *>} */
  var merged = null;
  summaries.forEach(function (summary) {
    var coverage = summary && summary.coverage;
    if (!coverage) return;
    var all = (merged = merged || {});
    Object.keys(coverage).forEach(function (family) {
      var part = coverage[family];
      var into = all[family] || (all[family] = { orders: 0, judged: 0, not_judged: 0, reasons: [] });
      into.orders += part.orders;
      into.judged += part.judged;
      into.not_judged += part.not_judged;
      (part.reasons || []).forEach(function (reason) {
        var same = into.reasons.filter(function (r) {
          return r.code === reason.code && r.field === reason.field && r.column === reason.column;
        })[0];
        if (same) {
          same.orders += reason.orders;
          delete same.message;
          delete same.message_en;
        } else {
          into.reasons.push(JSON.parse(JSON.stringify(reason)));
        }
      });
    });
  });
  return merged;
}

/**
 * The lines saying what could not be checked, Chinese then English, most orders first; empty
 * when every order was judged by every family run.
 *
 * @param {?Object<string, *>} coverage From {@link mergeCoverage_}.
 * @return {Array<string>} One line per family with orders not judged, then one per reason.
 */
function coverageLines_(coverage) {
  if (!coverage) return [];
  var lines = [];
  Object.keys(coverage).forEach(function (family) {
    var entry = coverage[family];
    if (!entry.not_judged) return;
    var words = JDPG_VOCAB.families[family] || { zh: family, en: family };
    lines.push(
      words.zh + '：' + entry.orders + ' 单中 ' + entry.not_judged + ' 单无法判断 / ' + words.en + ': ' +
        entry.not_judged + ' of ' + entry.orders + ' orders not checked'
    );
    entry.reasons
      .slice()
      .sort(function (a, b) {
        return b.orders - a.orders;
      })
      .forEach(function (reason) {
        if (reason.message) {
          lines.push('  · ' + reason.message + ' / ' + reason.message_en);
        } else {
          var where = reason.column || reason.field;
          lines.push('  · ' + where + '：' + reason.orders + ' 单 / ' + where + ': ' + reason.orders + ' orders (' + reason.code + ')');
        }
      });
  });
  return lines;
}
