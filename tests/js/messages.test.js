'use strict';
// The extension's renderer (common/messages.js) writes, from a lean result's words, the same
// sentences as the Python renderer (shared/messages.py). The fixture holds words taken from
// real lean results of the engine and the Python renderer's sentences for them; it is written,
// and checked current, by tests/unit/test_messages.py.

const { test } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { load } = require('./harness/extension');

const { JdpgMessages: M } = load('common/messages.js');
const FIXTURE = JSON.parse(fs.readFileSync(path.join(__dirname, 'fixtures', 'messages.json'), 'utf8'));

test('the fixture holds words of every kind: flags, money items, skip reasons', () => {
  const kinds = new Set(FIXTURE.cases.map((c) => c.where.split('.')[0]));
  assert.deepEqual([...kinds].sort(), ['compensation', 'flags', 'losses', 'skipped_reasons']);
  assert.ok(new Set(FIXTURE.cases.map((c) => c.item.words.code)).size > 40);
});

test('every lean item renders to the Python renderer\'s sentences, in Chinese and English', () => {
  for (const c of FIXTURE.cases) {
    const label = `${c.order_id} ${c.where} ${c.item.words.code}`;
    assert.equal(M.render(c.item.words, 'zh'), c.message, label);
    assert.equal(M.render(c.item.words, 'en'), c.message_en, label);
    assert.equal(M.message(c.item, 'zh'), c.message, label);
  }
});

test('a full result\'s item gives the sentence it carries', () => {
  const item = { code: 'X', message: '中文', message_en: 'English' };
  assert.equal(M.message(item, 'zh'), '中文');
  assert.equal(M.message(item, 'en'), 'English');
});

test('words this vocabulary has no template for render to null, not to a broken sentence', () => {
  assert.equal(M.render({ code: 'NO_SUCH_MESSAGE' }, 'zh'), null);
  assert.equal(M.render({ code: 'phrases.no.such' }, 'en'), null);
  const words = { code: 'RETURN_WINDOW_OPEN', params: { until: { phrase: 'phrases.missing' } } };
  assert.equal(M.render(words, 'zh'), null);
});

test('malformed words render to null, never throw: one bad result costs its sentence only', () => {
  const good = FIXTURE.cases.find((c) => c.item.words.params && Object.keys(c.item.words.params).length).item.words;
  const name = Object.keys(good.params)[0];
  const malformed = {
    'null param': { ...good, params: { ...good.params, [name]: null } },
    'list not a list': { ...good, params: { ...good.params, [name]: { list: 'abc', sep: 'phrases.sep' } } },
    'numeric code': { ...good, code: 42 },
    'numeric param': { ...good, params: { ...good.params, [name]: 7 } },
    'params a string': { ...good, params: 'abc' },
    'words a string': 'abc',
    'words null': null,
  };
  for (const [label, words] of Object.entries(malformed)) {
    for (const lang of ['zh', 'en']) {
      assert.equal(M.render(words, lang), null, `${label} ${lang}`);
      assert.equal(M.message({ words }, lang), null, `${label} ${lang}`);
    }
  }
  assert.notEqual(M.render(good, 'zh'), null);
});
