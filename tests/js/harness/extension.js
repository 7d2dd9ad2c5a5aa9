'use strict';
// Loads the extension's plain scripts (each defines one global) into this Node process, as
// the browser loads them: vocabulary, its renderer and the duration format first, then what uses them.

const path = require('node:path');

const EXTENSION = path.resolve(__dirname, '../../../extension');

/** The globals the named extension files define, e.g. load('common/money.js'). */
function load(...files) {
  for (const file of ['common/vocabulary.js', 'common/messages.js', 'common/duration.js', ...files])
    require(path.join(EXTENSION, file));
  return globalThis;
}

module.exports = { EXTENSION, load };
