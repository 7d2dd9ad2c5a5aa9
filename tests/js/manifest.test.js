'use strict';
// What is pushed to Google: minimum scopes, an allowlisted API URL, only the add-on's
// own files, and the house style of its functions (JSDoc, @customfunction, private `_`).

const { test } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { SRC, loadProject } = require('./harness/gas');

const manifest = JSON.parse(fs.readFileSync(path.join(SRC, 'appsscript.json'), 'utf8'));
const sources = fs
  .readdirSync(SRC)
  .filter((f) => f.endsWith('.js'))
  .map((f) => ({ file: f, text: fs.readFileSync(path.join(SRC, f), 'utf8') }));
const MENU_ENTRY_POINTS = [
  'onOpen',
  'onInstall',
  'showSettings',
  'getSettingsForSidebar',
  'saveSettings',
  'annotateActiveSheet',
  'clearAnnotations',
  'addTodoFilter',
  'installHourlyRefresh',
  'removeHourlyRefresh',
  'refreshAnnotations', // the hourly trigger's handler
];

test('the manifest asks for the minimum scopes only', () => {
  // script.scriptapp: the hourly refresh's time-driven trigger (ScriptApp.newTrigger).
  assert.deepEqual([...manifest.oauthScopes].sort(), [
    'https://www.googleapis.com/auth/script.container.ui',
    'https://www.googleapis.com/auth/script.external_request',
    'https://www.googleapis.com/auth/script.scriptapp',
    'https://www.googleapis.com/auth/spreadsheets.currentonly',
  ]);
  assert.equal(manifest.runtimeVersion, 'V8');
});

test('UrlFetchApp may reach only allowlisted https prefixes', () => {
  assert.ok(manifest.urlFetchWhitelist.length >= 1);
  for (const prefix of manifest.urlFetchWhitelist) assert.match(prefix, /^https:\/\/[^/]+\/$/);
});

test('clasp pushes only the manifest, the scripts and the HTML', () => {
  const ignore = fs.readFileSync(path.join(SRC, '.claspignore'), 'utf8').trim().split('\n');
  // dist/ is the paste-in copy of the same files (scripts/bundle_apps_script.js): never pushed too.
  assert.deepEqual(ignore, ['**/**', '!appsscript.json', '!*.js', '!*.html', 'dist/**']);
  const example = JSON.parse(fs.readFileSync(path.join(SRC, '.clasp.json.example'), 'utf8'));
  assert.equal(example.rootDir, '.');
  assert.ok(!fs.existsSync(path.join(SRC, '.clasp.json')), 'the real .clasp.json (a script id) is not committed');
});

test('every function has JSDoc; formulas say @customfunction; helpers end in _', () => {
  const gas = loadProject();
  for (const { file, text } of sources) {
    for (const m of text.matchAll(/^function (\w+)\(/gm)) {
      const name = m[1];
      const before = text.slice(0, m.index).trimEnd();
      assert.ok(before.endsWith('*/'), `${file}: ${name} has JSDoc`);
      const doc = before.slice(before.lastIndexOf('/**'));
      if (name.startsWith('JD_')) {
        assert.match(doc, /@customfunction/, `${name} is a custom function`);
        assert.match(doc, /@return/, `${name} documents its result`);
      } else if (!MENU_ENTRY_POINTS.includes(name)) {
        assert.ok(name.endsWith('_'), `${file}: ${name} is private, so its name ends in _`);
      }
      assert.equal(typeof gas.ctx[name], 'function');
    }
  }
  const formulas = Object.keys(gas.ctx).filter((k) => k.startsWith('JD_')).sort();
  assert.deepEqual(formulas, ['JD_ANNOTATE', 'JD_PRICE_MATCH', 'JD_RED_ENVELOPE', 'JD_RETURN_BY', 'JD_SHIP_BY', 'JD_SHIP_STATUS']);
});

test('the scripts use no Node or browser APIs, nor modules', () => {
  for (const { file, text } of sources) {
    const code = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
    assert.doesNotMatch(code, /\brequire\(|\bimport\s|\bexport\s|\bprocess\.|(?<![.\w])fetch\(|\bwindow\.|\bdocument\./, file);
  }
});

// ---- the browser extension's manifest and files ------------------------------------------------

const EXT = path.resolve(__dirname, '../../extension');
const extManifest = JSON.parse(fs.readFileSync(path.join(EXT, 'manifest.json'), 'utf8'));
const contentScripts = extManifest.content_scripts.flatMap((c) => c.js);
const extSource = (file) => fs.readFileSync(path.join(EXT, file), 'utf8');
const code = (text) => text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');

test('the extension asks for storage, alarms and notifications only, and loopback hosts', () => {
  assert.deepEqual([...extManifest.permissions].sort(), ['alarms', 'notifications', 'storage']);
  assert.deepEqual(extManifest.host_permissions, ['http://127.0.0.1/*', 'http://localhost/*']);
  assert.equal(extManifest.manifest_version, 3);
});

test('every file the manifest names exists; the icons are PNGs of their size', () => {
  const files = [extManifest.background.service_worker, extManifest.action.default_popup,
    extManifest.options_ui.page, ...contentScripts, ...extManifest.content_scripts.flatMap((c) => c.css)];
  for (const f of files) assert.ok(fs.existsSync(path.join(EXT, f)), f);
  for (const icons of [extManifest.icons, extManifest.action.default_icon]) {
    assert.deepEqual(Object.keys(icons).sort(), ['128', '16', '32', '48']);
    for (const [size, file] of Object.entries(icons)) {
      const png = fs.readFileSync(path.join(EXT, file));
      assert.equal(png.subarray(1, 4).toString(), 'PNG', file);
      assert.deepEqual([png.readUInt32BE(16), png.readUInt32BE(20)], [Number(size), Number(size)], file);
    }
  }
});

test('the try-it page is matched on loopback at its one path only', () => {
  const matches = extManifest.content_scripts.flatMap((c) => c.matches);
  const local = matches.filter((m) => m.startsWith('http://'));
  assert.deepEqual(local, ['http://127.0.0.1/demo/try/order-list*', 'http://localhost/demo/try/order-list*']);
  for (const m of matches.filter((x) => x.startsWith('https://'))) assert.match(m, /^https:\/\/(shop|porder\.shop)\.jd\.com\//);
});

test('the content scripts never read storage (where the key is) nor name the key', () => {
  for (const file of contentScripts) {
    const text = code(extSource(file));
    assert.doesNotMatch(text, /chrome\.storage/, file);
    if (file.startsWith('content/')) assert.doesNotMatch(text, /apiKey|X-API-Key/, file);
  }
});

test('no word users see is written in the extension or demo scripts: they come from the vocabulary', () => {
  const scripts = [
    ...contentScripts.filter((f) => f !== 'common/vocabulary.js' && !/content\/(read-|extract)/.test(f)),
    ...fs.readdirSync(path.join(EXT, 'background')).map((f) => `background/${f}`),
    'popup/popup.js', 'options/options.js', 'common/triage.js',
  ];
  for (const file of scripts) {
    assert.doesNotMatch(code(extSource(file)), /\p{Script=Han}/u, file);
  }
});

test('the service worker is a module that imports one file per job, each of them', () => {
  assert.deepEqual(extManifest.background, { service_worker: 'background/service-worker.js', type: 'module' });
  const entry = extSource('background/service-worker.js');
  const imported = [...code(entry).matchAll(/^import "\.\/([\w-]+\.js)";$/gm)].map((m) => m[1]).sort();
  const files = fs.readdirSync(path.join(EXT, 'background')).filter((f) => f !== 'service-worker.js').sort();
  assert.deepEqual(imported, files);
  for (const file of files) assert.doesNotMatch(extSource(`background/${file}`), /importScripts/, file);
});
