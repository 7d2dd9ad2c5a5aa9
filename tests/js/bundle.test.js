'use strict';
// The no-clasp route: the single-file bundle in sheets_addon/apps_script/dist is what the
// sources make now, and it works on its own; the project's files load in any order; the
// words the formulas' help lists are the vocabulary's.

const { test } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { loadProject, plain, SRC } = require('./harness/gas');
const { useApi } = require('./harness/api-server');
const { bundle, DIST, BUNDLE } = require('../../scripts/bundle_apps_script.js');

const api = useApi();

test('dist/ holds what scripts/bundle_apps_script.js makes from the sources now', () => {
  const made = bundle();
  assert.deepEqual(Object.keys(made).sort(), fs.readdirSync(DIST).sort(), 'no file missing or left over');
  for (const [name, text] of Object.entries(made)) {
    assert.equal(fs.readFileSync(path.join(DIST, name), 'utf8'), text, `${name} is stale: run node scripts/bundle_apps_script.js`);
  }
  for (const f of fs.readdirSync(SRC).filter((f) => f.endsWith('.js'))) {
    assert.ok(made[BUNDLE].includes(`// ---- ${f} ----\n`), `${f} is in the bundle`);
  }
});

test('the bundle alone is the whole add-on: menu, settings page and formulas work', () => {
  const gas = loadProject({ srcDir: DIST, documentProperties: { JDPG_API_URL: api.url, JDPG_API_KEY: api.apiKey } });
  gas.ctx.onOpen({});
  const fns = gas.ui.menus[0].items.filter((i) => !i.separator).map((i) => i.fn);
  for (const fn of fns) assert.equal(typeof gas.ctx[fn], 'function', fn);
  gas.ctx.showSettings();
  assert.match(gas.ui.sidebars[0].getContent(), /saveSettings/);
  assert.deepEqual(plain(gas.ctx.JD_SHIP_BY('2022-06-16 10:00:00', 'jingxi')), [['2022-06-20 10:00:00']]);
});

test('the files load in any order (none reads another at load time)', () => {
  const names = fs.readdirSync(SRC).filter((f) => f.endsWith('.js')).sort();
  for (const files of [names, [...names].reverse()]) {
    const gas = loadProject({ files, documentProperties: { JDPG_API_URL: api.url, JDPG_API_KEY: api.apiKey } });
    assert.equal(gas.ctx.ownHeaderPrefix_(), 'JDPG ');
    assert.deepEqual(plain(gas.ctx.JD_SHIP_STATUS('2022-06-16 10:00:00', '2022-06-21 10:00:00', 'jingxi')), [
      ['超时发货 shipped_late（晚 24 小时 / 24 h late）'],
    ]);
  }
});

test("the formulas' help lists the vocabulary's platforms, and the manifest the scopes the code needs", () => {
  const gas = loadProject();
  const vocab = plain(gas.ctx.JDPG_VOCAB);
  const formulas = fs.readFileSync(path.join(SRC, 'Formulas.js'), 'utf8');
  const platforms = Object.keys(vocab.values.platform);
  const lists = [...formulas.matchAll(/(?<!对方)平台 (?:default platform for rows that do not say \()?([a-z_]+(?:, [a-z_]+)*,? (?:or )?[a-z_]+)/g)];
  assert.ok(lists.length >= 4, 'each platform argument lists the platforms');
  for (const [, list] of lists) assert.deepEqual(list.split(/,? (?:or )?/).filter(Boolean), platforms);
  const competitors = /对方平台 ([a-z_]+) or ([a-z_]+)\./.exec(formulas).slice(1);
  assert.deepEqual(competitors, Object.keys(vocab.values.competitor_platform));

  const manifest = JSON.parse(fs.readFileSync(path.join(SRC, 'appsscript.json'), 'utf8'));
  assert.deepEqual(manifest.oauthScopes.sort(), [
    'https://www.googleapis.com/auth/script.container.ui',
    'https://www.googleapis.com/auth/script.external_request',
    'https://www.googleapis.com/auth/script.scriptapp',
    'https://www.googleapis.com/auth/spreadsheets.currentonly',
  ]);
});
