'use strict';
// Starts the real Flask API (python -m server --port 0) for a test file and
// stops it afterwards. The port comes from the server's own "listening on" line,
// read from a buffer because stdout arrives in arbitrary chunks.

const path = require('node:path');
const fs = require('node:fs');
const { spawn } = require('node:child_process');

const REPO = path.resolve(__dirname, '../../..');

function pythonPath() {
  if (process.env.PYTHON) return process.env.PYTHON;
  const venv = path.join(REPO, '.venv/bin/python');
  return fs.existsSync(venv) ? venv : 'python3';
}

/** Starts a child process and resolves with the first match of `pattern` in its stdout. */
function startProcess(command, args, pattern, { env = {}, timeoutMs = 30000, cwd = REPO } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd,
      env: { ...process.env, PYTHONUNBUFFERED: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error(`${command} did not start in ${timeoutMs} ms.\nstdout: ${out}\nstderr: ${err}`));
    }, timeoutMs);
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const m = pattern.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ child, match: m });
      }
    });
    child.stderr.on('data', (chunk) => {
      err += chunk;
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${command} exited with ${code}.\nstdout: ${out}\nstderr: ${err}`));
    });
  });
}

function stopper(child) {
  return () =>
    new Promise((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.removeAllListeners('exit');
      child.on('exit', () => resolve());
      child.kill('SIGTERM');
    });
}

/** The real API on a loopback port: {url, apiKey, stop}. */
async function startApi({ apiKey = 'test-key-123' } = {}) {
  const { child, match } = await startProcess(
    pythonPath(),
    ['-m', 'server', '--host', '127.0.0.1', '--port', '0'],
    /listening on (http:\/\/127\.0\.0\.1:\d+)/,
    { env: { JDPG_API_KEYS: apiKey } },
  );
  child.stdout.resume();
  child.stderr.resume();
  return { url: match[1], apiKey, stop: stopper(child) };
}

/**
 * A proxy in its own process (so it can answer while curl blocks this one) that
 * returns the given statuses to the first requests and forwards the rest to `target`.
 */
async function startFlakyProxy(target, statuses) {
  const { child, match } = await startProcess(
    process.execPath,
    [path.join(__dirname, 'flaky-proxy.js'), target, JSON.stringify(statuses)],
    /proxy listening on (http:\/\/127\.0\.0\.1:\d+)/,
  );
  child.stdout.resume();
  child.stderr.resume();
  return { url: match[1], stop: stopper(child) };
}

/**
 * Starts the real API before a test file's tests and stops it after them: the returned object
 * gets the running server's `url` and `apiKey` once it is up.
 * @return {{url?: string, apiKey?: string}}
 */
function useApi() {
  const { before, after } = require('node:test');
  const api = {};
  let server;
  before(async () => {
    server = await startApi();
    Object.assign(api, { url: server.url, apiKey: server.apiKey });
  });
  after(async () => {
    await server.stop();
  });
  return api;
}

module.exports = { startApi, startFlakyProxy, pythonPath, REPO, useApi };
