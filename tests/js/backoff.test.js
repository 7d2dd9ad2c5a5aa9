'use strict';
// Retries with exponential back-off on 429 and 5xx, through a proxy (its own process)
// that fails the first requests before forwarding to the real API.

const { test } = require('node:test');
const assert = require('node:assert/strict');
const { loadProject, plain } = require('./harness/gas');
const { useApi, startFlakyProxy } = require('./harness/api-server');

const api = useApi();

async function through(statuses, run) {
  const proxy = await startFlakyProxy(api.url, statuses);
  try {
    const gas = loadProject({ documentProperties: { JDPG_API_URL: proxy.url, JDPG_API_KEY: api.apiKey } });
    return run(gas);
  } finally {
    await proxy.stop();
  }
}

test('429 and 503 answers are retried after a back-off and the formula still answers', async () => {
  await through([429, 503], (gas) => {
    const out = plain(gas.ctx.JD_SHIP_BY('2022-06-16 10:00:00', 'jingxi'));
    assert.deepEqual(out, [['2022-06-20 10:00:00']]);
    assert.deepEqual(
      gas.fetchLog.map((f) => f.status),
      [429, 503, 200, 200],
      'rules version: 429, 503, then ok; then the annotate call',
    );
    assert.equal(gas.sleeps.length, 2);
    assert.equal(gas.sleeps[0], 0, "429's Retry-After: 0 is honoured");
    assert.ok(gas.sleeps[1] >= 1000 && gas.sleeps[1] < 1100, 'then exponential: 500 ms × 2');
  });
});

test('a server that keeps failing gives up after four attempts with its message', async () => {
  await through([502, 502, 502, 502], (gas) => {
    assert.throws(() => gas.ctx.JD_RETURN_BY('2022-06-16 10:00:00'), /JD Promo Guard API 502 unavailable: 稍后再试 \/ Try later/);
    assert.equal(gas.fetchLog.length, 4);
    assert.equal(gas.sleeps.length, 3);
  });
});

test('an API that cannot be reached is retried, then reported as unreachable', () => {
  const gas = loadProject({ documentProperties: { JDPG_API_URL: 'http://127.0.0.1:9', JDPG_API_KEY: 'k' } });
  assert.throws(() => gas.ctx.JD_RETURN_BY('2022-06-16 10:00:00'), /无法连接 unreachable/);
  assert.equal(gas.fetchLog.length, 4);
});
