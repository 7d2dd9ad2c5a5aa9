/**
 * @fileoverview The "JD Promo Guard" menu: settings, annotating the active sheet in place,
 * clearing the annotation, the to-do filter and the hourly refresh. The add-on only ever
 * writes to columns whose header starts with "JDPG " (appended to the right of the data).
 */

/**
 * Adds the menu when the spreadsheet opens.
 *
 * @param {GoogleAppsScript.Events.SheetsOnOpen=} e The open event (unused).
 */
function onOpen(e) {
  SpreadsheetApp.getUi()
    .createMenu('JD Promo Guard')
    .addItem('设置 Settings', 'showSettings')
    .addItem('标注本表 Annotate this sheet', 'annotateActiveSheet')
    .addItem('清除标注 Clear annotations', 'clearAnnotations')
    .addSeparator()
    .addItem('待办筛选 To-do filter', 'addTodoFilter')
    .addItem('每小时刷新 Refresh hourly', 'installHourlyRefresh')
    .addItem('停止每小时刷新 Stop hourly refresh', 'removeHourlyRefresh')
    .addToUi();
}

/**
 * Adds the menu right after the add-on is installed.
 *
 * @param {GoogleAppsScript.Events.AddonOnInstall=} e The install event.
 */
function onInstall(e) {
  onOpen();
}

/** Opens the settings sidebar (API URL and key). */
function showSettings() {
  var html = HtmlService.createHtmlOutputFromFile('Settings').setTitle('JD Promo Guard 设置 Settings');
  SpreadsheetApp.getUi().showSidebar(html);
}

/**
 * What the settings sidebar shows: the URL, and only whether a key is set.
 *
 * @return {{apiUrl: string, hasKey: boolean}} The current settings.
 */
function getSettingsForSidebar() {
  var props = PropertiesService.getDocumentProperties();
  return { apiUrl: props.getProperty(PROP_API_URL) || '', hasKey: Boolean(props.getProperty(PROP_API_KEY)) };
}

/**
 * Saves the settings from the sidebar into document properties.
 *
 * @param {{apiUrl: string, apiKey: string}} form The URL, and the key ('' keeps the current key).
 * @return {{apiUrl: string, hasKey: boolean}} The settings now in force.
 * @throws {Error} When the URL is not https:// (or http:// to a loopback host).
 */
function saveSettings(form) {
  var apiUrl = checkedApiUrl_(form && form.apiUrl);
  var props = PropertiesService.getDocumentProperties();
  props.setProperty(PROP_API_URL, apiUrl);
  var apiKey = String((form && form.apiKey) || '').trim();
  if (apiKey) props.setProperty(PROP_API_KEY, apiKey);
  return getSettingsForSidebar();
}

/**
 * Menu action: annotates every row of the active sheet (header in row 1) and writes the
 * annotation columns, with a header, to the right of the data; on a re-run its columns are
 * updated in place. No other cell is written. Before Apps Script's 6-minute limit it stops
 * with the rows done so far written, and the next run goes on from there.
 */
function annotateActiveSheet() {
  var ui = SpreadsheetApp.getUi();
  var sheet = SpreadsheetApp.getActiveSheet();
  if (sheet.getLastRow() < 2) {
    ui.alert('JD Promo Guard', '本表没有数据行（第 1 行应为表头）。 / This sheet has no data rows (row 1 is the header).', ui.ButtonSet.OK);
    return;
  }
  var lock = LockService.getScriptLock();
  if (!lock.tryLock(LOCK_WAIT_MS)) {
    ui.alert('JD Promo Guard', '正在刷新本表，请稍后再试。 / A refresh is running; try again shortly.', ui.ButtonSet.OK);
    return;
  }
  var summary;
  try {
    summary = annotateSheet_(sheet, { limitMs: EXECUTION_LIMIT_MS });
    writeRefreshNote_(sheet, summary.columns, refreshNoteText_(summary));
  } catch (e) {
    ui.alert('JD Promo Guard', errorMessage_(e), ui.ButtonSet.OK);
    return;
  } finally {
    lock.releaseLock();
  }
  // What could not be checked is said, never shown as all clear (summary.coverage of the rows API).
  var unchecked = coverageLines_(summary.coverage);
  var uncheckedText = unchecked.length ? '\n\n无法检查 Could not check:\n' + unchecked.join('\n') : '';
  if (!summary.complete) {
    ui.alert(
      'JD Promo Guard',
      '已标注 ' + summary.done + ' 行，为不超过 Apps Script 每次运行 6 分钟的上限已暂停。再次点击 标注本表，将从第 ' +
        summary.nextRow + ' 行继续。 / Annotated ' + summary.done + ' rows, then paused before Apps Script\'s ' +
        '6-minute limit. Run Annotate this sheet again to go on from row ' + summary.nextRow + '.' + uncheckedText,
      ui.ButtonSet.OK
    );
    return;
  }
  if (unchecked.length) {
    ui.alert('JD Promo Guard 已标注 annotated ' + summary.total, unchecked.join('\n'), ui.ButtonSet.OK);
  }
  var words = JDPG_VOCAB.row_status;
  SpreadsheetApp.getActiveSpreadsheet().toast(
    ['late', 'at_risk', 'owed', 'error']
      .map(function (status) {
        return words[status].zh + ' ' + words[status].en + ' ' + summary.counts[status];
      })
      .join('，'),
    'JD Promo Guard 已标注 annotated ' + summary.total
  );
}

/** Menu action: deletes the add-on's own columns (header "JDPG …") and nothing else. */
function clearAnnotations() {
  var sheet = SpreadsheetApp.getActiveSheet();
  var lastCol = sheet.getLastColumn();
  if (lastCol < 1) return;
  var own = ownColumns_(sheet.getRange(1, 1, 1, lastCol).getValues()[0]).map(function (i) {
    return i + 1;
  });
  var filter = sheet.getFilter();
  if (filter && isOwnFilter_(filter, own)) filter.remove();
  var runs = columnRuns_(own);
  for (var k = runs.length - 1; k >= 0; k--) sheet.deleteColumns(runs[k].start, runs[k].items.length);
  SpreadsheetApp.getActiveSpreadsheet().toast('已清除 cleared ' + own.length, 'JD Promo Guard');
}
