'use strict';
// Settings, API addresses and who may send which message (common/constants.js).

const { test } = require('node:test');
const assert = require('node:assert/strict');
const { load } = require('./harness/extension');

const { JDPG } = load('common/constants.js');
const ID = 'abcdefghijklmnopabcdefghijklmnop';
const PAGE = `chrome-extension://${ID}/options/options.html`;

test('https anywhere; plain http only for this computer', () => {
  for (const ok of ['https://api.example.com', 'http://127.0.0.1:8000', 'http://localhost:8000', 'http://[::1]:8000'])
    assert.equal(JDPG.apiBaseProblem(ok), '', ok);
  for (const bad of ['http://api.example.com', 'http://192.168.1.5:8000', 'http://127.0.0.1.evil.com'])
    assert.equal(JDPG.apiBaseProblem(bad), 'not_https', bad);
  for (const bad of ['ftp://127.0.0.1', 'not a url', 'https://u:p@api.example.com', 'javascript:alert(1)'])
    assert.equal(JDPG.apiBaseProblem(bad), 'bad_url', bad);
});

test('no threshold unless the merchant set one; the families as the API takes them', () => {
  assert.equal(JDPG.normalizeSettings({}).atRiskHours, null);
  assert.equal(JDPG.normalizeSettings({ atRiskHours: '' }).atRiskHours, null);
  assert.equal(JDPG.normalizeSettings({ atRiskHours: 24 }).atRiskHours, 24);
  assert.equal(JDPG.normalizeSettings({ atRiskHours: 1e308 }).atRiskHours, null);
  assert.equal(JDPG.normalizeSettings({ quietFrom: '25:00' }).quietFrom, '');
  assert.equal(JDPG.normalizeSettings({}).alerts, true);
  const s = JDPG.normalizeSettings({ families: { promotions: false } });
  assert.deepEqual(JDPG.enabledFamilies(s.families), ['shipping', 'price', 'after_sales']);
});

test('content scripts may only annotate and report; extension pages only test and read', () => {
  const content = { id: ID, url: 'https://shop.jd.com/jdm/trade/orders/order-list', tab: { id: 7 } };
  const page = { id: ID, url: PAGE };
  const M = JDPG.MSG;
  assert.equal(JDPG.senderAllowed(M.ANNOTATE_ORDERS, content, ID), true);
  assert.equal(JDPG.senderAllowed(M.PAGE_SUMMARY, content, ID), true);
  assert.equal(JDPG.senderAllowed(M.GET_PAGE_SETTINGS, content, ID), true);
  assert.equal(JDPG.senderAllowed(M.TEST_CONNECTION, content, ID), false);
  assert.equal(JDPG.senderAllowed(M.GET_TRIAGE, content, ID), false);
  assert.equal(JDPG.senderAllowed(M.TEST_CONNECTION, page, ID), true);
  assert.equal(JDPG.senderAllowed(M.ANNOTATE_ORDERS, page, ID), false);
  // Another extension, or an unknown type: refused.
  assert.equal(JDPG.senderAllowed(M.ANNOTATE_ORDERS, { ...content, id: 'other' }, ID), false);
  assert.equal(JDPG.senderAllowed(M.TEST_CONNECTION, { id: 'other', url: `chrome-extension://other/x.html` }, ID), false);
  assert.equal(JDPG.senderAllowed('jdpg/no-such', page, ID), false);
  assert.equal(JDPG.senderAllowed(M.ANNOTATE_ORDERS, { id: ID, url: content.url }, ID), false);
});
