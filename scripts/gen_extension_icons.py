"""Draws the extension's toolbar icons (extension/icons/icon-{16,32,48,128}.png) with Debian's
Chromium through Playwright: a canvas, so no imaging library is needed.

    .venv/bin/python scripts/gen_extension_icons.py

The design: JD red rounded square, a white clock face with its hands at "almost late", and an
amber notch. Small sizes drop the notch so the 16 px icon stays legible.
"""
import base64
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
ICONS = ROOT / "extension" / "icons"
CHROMIUM = "/usr/bin/chromium"
SIZES = (16, 32, 48, 128)

DRAW = """size => {
  const c = document.createElement('canvas');
  c.width = c.height = size;
  const g = c.getContext('2d');
  const s = size / 128;
  g.fillStyle = '#e1251b';
  g.beginPath();
  g.roundRect(0, 0, size, size, 24 * s);
  g.fill();
  g.fillStyle = '#ffffff';
  g.beginPath();
  g.arc(64 * s, 66 * s, 44 * s, 0, 2 * Math.PI);
  g.fill();
  g.strokeStyle = '#e1251b';
  g.lineCap = 'round';
  g.lineWidth = Math.max(2, 10 * s);
  g.beginPath();
  g.moveTo(64 * s, 66 * s);
  g.lineTo(64 * s, 36 * s);
  g.moveTo(64 * s, 66 * s);
  g.lineTo(86 * s, 78 * s);
  g.stroke();
  if (size >= 32) {
    g.fillStyle = '#f5a623';
    g.beginPath();
    g.arc(104 * s, 24 * s, 16 * s, 0, 2 * Math.PI);
    g.fill();
  }
  return c.toDataURL('image/png');
}"""


def main() -> None:
    ICONS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
        page = browser.new_page()
        for size in SIZES:
            data = page.evaluate(DRAW, size)
            target = ICONS / f"icon-{size}.png"
            target.write_bytes(base64.b64decode(data.split(",", 1)[1]))
            print(f"wrote {target.relative_to(ROOT)}")
        browser.close()


if __name__ == "__main__":
    main()
