/**
 * @fileoverview The hourly refresh: a time-driven trigger that re-annotates one sheet's own
 * columns with a fresh "as of", under the script lock, and notes on our first header cell
 * when it last did. One trigger per user and project, whatever how often it is installed.
 */

/**
 * This user's refresh triggers of this project.
 *
 * @return {Array<GoogleAppsScript.Script.Trigger>} Usually none or one.
 */
function refreshTriggers_() {
  return ScriptApp.getProjectTriggers().filter(function (trigger) {
    return trigger.getHandlerFunction() === REFRESH_HANDLER;
  });
}

/**
 * The sheet the refresh annotates, or null when it was deleted.
 *
 * @return {?GoogleAppsScript.Spreadsheet.Sheet} The sheet.
 */
function refreshSheet_() {
  var id = PropertiesService.getDocumentProperties().getProperty(PROP_REFRESH_SHEET);
  if (id === null) return null;
  var found = SpreadsheetApp.getActiveSpreadsheet()
    .getSheets()
    .filter(function (sheet) {
      return String(sheet.getSheetId()) === id;
    });
  return found.length ? found[0] : null;
}

/**
 * Writes when the sheet was last annotated as a note on our first header cell (the add-on
 * writes nothing outside its own columns).
 *
 * @param {GoogleAppsScript.Spreadsheet.Sheet} sheet The sheet.
 * @param {Object<string, number>} columns Our columns by title.
 * @param {string} text The note.
 */
function writeRefreshNote_(sheet, columns, text) {
  var cols = Object.keys(columns).map(function (title) {
    return columns[title];
  });
  if (!cols.length) return;
  sheet.getRange(1, Math.min.apply(null, cols)).setNote(text);
}

/**
 * The note after a run: when, as of when, how many rows, and whether it goes on.
 *
 * @param {{total: number, done: number, complete: boolean, nextRow: number, asOf: string}} summary From {@link annotateSheet_}.
 * @return {string} The note text.
 */
function refreshNoteText_(summary) {
  var head = 'JD Promo Guard 最后刷新 Last refreshed ' + beijingNow_() + '（北京时间 Beijing time）';
  var asOf = '截至 as of ' + summary.asOf;
  if (summary.complete) return head + '\n' + asOf + '，' + summary.total + ' 行 rows';
  return (
    head + '\n' + asOf + '：本次 ' + summary.done + ' 行，将从第 ' + summary.nextRow + ' 行继续 / ' + summary.done +
    ' rows this run; the next run goes on from row ' + summary.nextRow
  );
}

/**
 * Menu action: re-annotates the active sheet every hour. Installing again keeps the one
 * trigger (and makes the active sheet the one refreshed).
 */
function installHourlyRefresh() {
  var ui = SpreadsheetApp.getUi();
  var sheet = SpreadsheetApp.getActiveSheet();
  PropertiesService.getDocumentProperties().setProperty(PROP_REFRESH_SHEET, String(sheet.getSheetId()));
  if (!refreshTriggers_().length) ScriptApp.newTrigger(REFRESH_HANDLER).timeBased().everyHours(1).create();
  ui.alert(
    'JD Promo Guard',
    '已设置每小时刷新「' + sheet.getName() + '」：每次重新标注 JDPG 列，截至当时。停止：菜单 停止每小时刷新。 / ' +
      'Sheet "' + sheet.getName() + '" is re-annotated every hour, as of that hour. Stop it with Stop hourly refresh.',
    ui.ButtonSet.OK
  );
}

/** Menu action: removes this user's refresh trigger. */
function removeHourlyRefresh() {
  var ui = SpreadsheetApp.getUi();
  var triggers = refreshTriggers_();
  triggers.forEach(function (trigger) {
    ScriptApp.deleteTrigger(trigger);
  });
  PropertiesService.getDocumentProperties().deleteProperty(PROP_REFRESH_SHEET);
  ui.alert(
    'JD Promo Guard',
    triggers.length ? '已停止每小时刷新。 / Hourly refresh stopped.' : '没有每小时刷新。 / No hourly refresh was set.',
    ui.ButtonSet.OK
  );
}

/**
 * The trigger's function: re-annotates the chosen sheet with "now" as of. Runs without a UI,
 * so outcomes (and errors) go into the note on our header cell. A run that finds the lock
 * taken (an annotation in progress) does nothing; a sheet that was deleted ends the trigger.
 *
 * @param {GoogleAppsScript.Events.TimeDriven=} e The trigger event (unused).
 */
function refreshAnnotations(e) {
  var sheet = refreshSheet_();
  if (!sheet) {
    refreshTriggers_().forEach(function (trigger) {
      ScriptApp.deleteTrigger(trigger);
    });
    return;
  }
  var lock = LockService.getScriptLock();
  if (!lock.tryLock(LOCK_WAIT_MS)) return;
  try {
    var summary = annotateSheet_(sheet, { limitMs: REFRESH_LIMIT_MS });
    writeRefreshNote_(sheet, summary.columns, refreshNoteText_(summary));
  } catch (err) {
    var lastCol = sheet.getLastColumn();
    var columns = lastCol ? ownColumnMap_(sheet.getRange(1, 1, 1, lastCol).getValues()[0]) : {};
    writeRefreshNote_(
      sheet,
      columns,
      'JD Promo Guard 刷新失败 Refresh failed ' + beijingNow_() + '（北京时间 Beijing time）\n' + errorMessage_(err)
    );
  } finally {
    lock.releaseLock();
  }
}
