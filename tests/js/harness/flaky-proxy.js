'use strict';
// node flaky-proxy.js <target base URL> '<JSON list of statuses>'
// Answers the first requests with the listed statuses (429 with Retry-After: 0,
// 5xx with an API-shaped error body), then forwards every request to the target.

const http = require('node:http');

const target = new URL(process.argv[2]);
const statuses = JSON.parse(process.argv[3] || '[]');

const server = http.createServer((req, res) => {
  const status = statuses.shift();
  if (status !== undefined) {
    req.resume();
    const headers = { 'Content-Type': 'application/json' };
    if (status === 429) headers['Retry-After'] = '0';
    res.writeHead(status, headers);
    res.end(
      JSON.stringify({
        error: { code: status === 429 ? 'rate_limited' : 'unavailable', message: '稍后再试', message_en: 'Try later', details: {} },
      }),
    );
    return;
  }
  const upstream = http.request(
    { host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers },
    (up) => {
      res.writeHead(up.statusCode, up.headers);
      up.pipe(res);
    },
  );
  upstream.on('error', (e) => {
    res.writeHead(502);
    res.end(String(e));
  });
  req.pipe(upstream);
});

server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`proxy listening on http://127.0.0.1:${server.address().port}\n`);
});
