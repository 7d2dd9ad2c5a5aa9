/**
 * The sentences of flags, money items and skip reasons, rendered from their `words` (what a
 * result carries with options.detail "lean") and the vocabulary's templates, exactly as
 * shared/messages.py renders them for "full" results (tests/js/messages.test.js holds the two
 * equal). Pure; plain script: defines one global, `JdpgMessages`. Needs common/vocabulary.js.
 *
 * Words: {code, params?}. A code names `messages.<code>`; a code with a dot is a path from the
 * vocabulary's root. A parameter is text (numbers come formatted), {zh, en}, a sub-phrase
 * {phrase, params?} or a list {list, sep}.
 */
(function (root) {
  "use strict";

  /**
   * The template at `code` in `lang`, or null when this vocabulary has none.
   * @param {string} code
   * @param {string} lang "zh" or "en"
   * @return {?string}
   */
  function template(code, lang) {
    if (typeof code !== "string") return null;
    const vocab = root.JDPG_VOCAB;
    const entry =
      code.indexOf(".") < 0
        ? vocab.messages[code]
        : code
            .split(".")
            .reduce((at, part) => (at == null ? at : at[part]), vocab);
    return entry && typeof entry[lang] === "string" ? entry[lang] : null;
  }

  /** A parameter's text, or null when it is not one of the shapes above (a malformed result). */
  function text(value, lang) {
    if (typeof value === "string") return value;
    if (!isObject_(value)) return null;
    if (value.phrase !== undefined) {
      return filled(template(value.phrase, lang), value.params, lang);
    }
    if (value.list !== undefined) {
      if (!Array.isArray(value.list)) return null;
      const sep = template(value.sep, lang);
      const items = value.list.map((item) => text(item, lang));
      return sep === null || items.includes(null) ? null : items.join(sep);
    }
    return typeof value[lang] === "string" ? value[lang] : null;
  }

  function isObject_(value) {
    return value !== null && typeof value === "object" && !Array.isArray(value);
  }

  function filled(tpl, params, lang) {
    if (tpl === null) return null;
    if (params == null) return tpl;
    if (!isObject_(params)) return null;
    const values = {};
    for (const name of Object.keys(params)) {
      values[name] = text(params[name], lang);
      if (values[name] === null) return null;
    }
    return root.JDPG_VOCAB.fill(tpl, values);
  }

  /**
   * The sentence `words` say in `lang`.
   * @param {{code: string, params: (Object|undefined)}} words
   * @param {string} lang "zh" or "en"
   * @return {?string} null when the vocabulary lacks one of its templates (an older vocabulary)
   *   or the words are not of the shape above (one malformed result costs its sentence only)
   */
  function render(words, lang) {
    if (!isObject_(words)) return null;
    return filled(template(words.code, lang), words.params, lang);
  }

  /**
   * A flag's, money item's or skip reason's sentence in `lang`: its words rendered (a lean
   * result), else the sentence it carries (a full result).
   * @param {{words: (Object|undefined), message: (string|undefined), message_en: (string|undefined)}} item
   * @param {string} lang "zh" or "en"
   * @return {?string}
   */
  function message(item, lang) {
    if (item.words) return render(item.words, lang);
    const sentence = lang === "en" ? item.message_en : item.message;
    return typeof sentence === "string" ? sentence : null;
  }

  root.JdpgMessages = Object.freeze({ render, message });
})(globalThis);
