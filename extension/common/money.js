/**
 * Money as the API writes it ("40.00", yuan with 2 decimals) added up exactly in integer
 * fen, never in floating point. Plain script: defines one global, `JdpgMoney`.
 */
(function (root) {
  "use strict";

  /**
   * A money string to integer fen, exactly ("40.00" → 4000, "-0.5" → -50).
   * @param {string|number|null|undefined} yuan
   * @return {number} 0 for anything that is not an amount
   */
  function toFen(yuan) {
    const m = /^(-?)(\d+)(?:\.(\d{0,2}))?$/.exec(
      String(yuan == null ? "0" : yuan).trim(),
    );
    if (!m) return 0;
    const fen = Number(m[2]) * 100 + Number((m[3] || "").padEnd(2, "0"));
    return m[1] ? -fen : fen;
  }

  /**
   * Integer fen to a yuan string with 2 decimals (4000 → "40.00").
   * @param {number} fen
   * @return {string}
   */
  function fenToYuan(fen) {
    const sign = fen < 0 ? "-" : "";
    const abs = Math.abs(Math.trunc(fen));
    return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, "0")}`;
  }

  root.JdpgMoney = Object.freeze({ toFen, fenToYuan });
})(globalThis);
