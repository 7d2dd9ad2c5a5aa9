/**
 * How long, as people write it: the one duration format, the same as shared/duration.py
 * (tests/js/fixtures/durations.json holds the two equal). Time late is rounded up, time left
 * down. Under an hour: minutes; under 48 hours: hours to the tenth without ".0"; from 48 hours:
 * days and whole hours ("7 天 13 小时"). Pure; plain script: defines one global, `JdpgDuration`.
 * Needs common/vocabulary.js and common/messages.js to say it.
 */
(function (root) {
  "use strict";

  /** From this many hours on, a duration is said in days and hours. */
  const DAYS_FROM_HOURS = 48;

  function divide_(count, unit, up) {
    return up ? Math.ceil(count / unit) : Math.floor(count / unit);
  }

  /**
   * The phrase saying `totalSeconds` (a whole, non-negative number), as shared/duration.py gives it.
   * @param {number} totalSeconds
   * @param {boolean} up round up (time late) or down (time left)
   * @return {{phrase: string, params: Object<string, string>}}
   */
  function phrase(totalSeconds, up) {
    const minutes = divide_(totalSeconds, 60, up);
    if (minutes < 60)
      return { phrase: "phrases.duration.minutes", params: { n: String(minutes) } };
    const tenths = divide_(totalSeconds, 360, up);
    if (tenths < DAYS_FROM_HOURS * 10) {
      const whole = Math.floor(tenths / 10);
      const tenth = tenths % 10;
      return {
        phrase: "phrases.duration.hours",
        params: { n: tenth ? `${whole}.${tenth}` : String(whole) },
      };
    }
    const hours = divide_(totalSeconds, 3600, up);
    const days = Math.floor(hours / 24);
    if (hours % 24 === 0)
      return { phrase: "phrases.duration.whole_days", params: { d: String(days) } };
    return {
      phrase: "phrases.duration.days",
      params: { d: String(days), h: String(hours % 24) },
    };
  }

  /**
   * A duration in milliseconds, said in both languages.
   * @param {number} ms not negative
   * @param {boolean} up
   * @return {{zh: string, en: string}}
   */
  function fromMs(ms, up) {
    return say_(up ? Math.ceil(ms / 1000) : Math.floor(ms / 1000), up);
  }

  /**
   * Hours as the API writes them (hundredths, already rounded the rules' way), said in both
   * languages.
   * @param {number} hours
   * @param {boolean} up
   * @return {{zh: string, en: string}}
   */
  function fromHours(hours, up) {
    return say_(Math.round(Number(hours || 0) * 100) * 36, up);
  }

  function say_(totalSeconds, up) {
    const p = phrase(Math.max(0, totalSeconds), up);
    const words = { code: p.phrase, params: p.params };
    return {
      zh: root.JdpgMessages.render(words, "zh"),
      en: root.JdpgMessages.render(words, "en"),
    };
  }

  root.JdpgDuration = Object.freeze({ DAYS_FROM_HOURS, phrase, fromMs, fromHours });
})(globalThis);
