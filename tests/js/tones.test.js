'use strict';
// Badge and chip tones come from one palette (the vocabulary's [tones]): every tone the
// vocabulary names and every tone the badge files write is in it, and badges.css paints each
// palette tone in the palette's colours. A typo in a tone fails here, never as an unstyled badge.

const { test } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { EXTENSION, load } = require('./harness/extension');

const { JDPG_VOCAB: V } = load();
const CSS = fs.readFileSync(path.join(EXTENSION, 'content', 'badges.css'), 'utf8');
const PALETTE = V.tones;

test('the palette is the generated list of tones, each with its colours', () => {
  assert.deepEqual(Object.keys(PALETTE).sort(), [...V.lists.tones].sort());
  for (const [tone, entry] of Object.entries(PALETTE)) {
    assert.match(entry.colour, /^#[0-9a-f]{6}$/, tone);
    assert.match(entry.background, /^#[0-9a-f]{6}$/, tone);
  }
});

test('every tone the vocabulary names is in the palette', () => {
  const named = [
    ...Object.entries(V.ship_status).map(([k, e]) => [`ship_status.${k}`, e.tone]),
    ...Object.entries(V.severities).map(([k, e]) => [`severities.${k}`, e.tone]),
  ];
  for (const [where, tone] of named) assert.ok(tone in PALETTE, `${where}: tone ${tone} is not in [tones]`);
});

test('every tone the badge files write is in the palette', () => {
  const written = new Set();
  for (const file of ['content/badge-specs.js', 'content/summary-bar.js', 'content/badge-row.js']) {
    const text = fs.readFileSync(path.join(EXTENSION, file), 'utf8');
    for (const m of text.matchAll(/tone:\s*(?:[^,}]*?\?\s*)?"(\w+)"(?:\s*:\s*"(\w+)")?/g)) {
      written.add(m[1]);
      if (m[2]) written.add(m[2]);
    }
    for (const m of text.matchAll(/chip\(\s*(?:[^,]*?\?\s*)?"(\w+)"(?:\s*:\s*"(\w+)")?/g)) {
      written.add(m[1]);
      if (m[2]) written.add(m[2]);
    }
  }
  assert.ok(written.size >= 6, [...written].join(' '));
  for (const tone of written) assert.ok(tone in PALETTE, `tone ${tone} is not in [tones]`);
});

test('badges.css paints each palette tone in its colours', () => {
  for (const [tone, entry] of Object.entries(PALETTE)) {
    assert.match(CSS, new RegExp(`--jdpg-${tone}:\\s*${entry.colour};`), tone);
    assert.match(CSS, new RegExp(`--jdpg-${tone}-bg:\\s*${entry.background};`), tone);
    assert.match(CSS, new RegExp(`\\.jdpg-(badge|chip)--${tone}\\s*\\{`), tone);
  }
});
