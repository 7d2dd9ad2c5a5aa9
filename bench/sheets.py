"""Time and count the Sheets API requests of annotating a 10,000-row and a 100,000-row
JD export through the Sheets API stand-in (real HTTP on loopback, real gspread and
google-auth token flow).

    .venv/bin/python bench/sheets.py [ROWS ...]

A sheet of N rows takes 2 reads + ceil(N x row bytes / 2 MiB) writes (no row is split across
requests, so the count can be one more); each write request stays under 2 MiB.
Targets: every write request at most 2 MiB; rules time under 1 s for 10,000 rows.
"""
import logging
import math
import sys
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from shared import BEIJING  # noqa: E402
from sheets_addon.annotate_sheet import MAX_REQUEST_BYTES, annotate_worksheet  # noqa: E402
from sheets_addon.client import make_client  # noqa: E402
from standins.google_sheets import FakeSheets, key_pair, service_account_info  # noqa: E402
from standins.jd_export import JD_HEADER, line  # noqa: E402

from google.oauth2.service_account import Credentials  # noqa: E402

MAX_RULES_SECONDS_10K = 1.0
AS_OF = datetime(2022, 6, 20, 12, tzinfo=BEIJING)


def export_rows(n: int) -> list:
    """A JD export of ``n`` SKU lines: orders of one to three lines, a mix of statuses."""
    rows, i = [JD_HEADER], 0
    while len(rows) <= n:
        order_id = str(240000000000 + i)
        paid = f"2022-06-{1 + i % 19:02d} {8 + i % 12:02d}:{i % 60:02d}:00"
        shipped = "" if i % 4 == 0 else f"2022-06-{3 + i % 19:02d} 10:00:00"
        for sku in range(1 + i % 3):
            if len(rows) > n:
                break
            rows.append(line(order_id, str(100000 + sku), f"商品 {sku}", 1 + sku, paid, paid,
                             "等待出库" if not shipped else "等待确认收货", f"{9 + i % 90}.90", shipped=shipped))
        i += 1
    return rows


def bench(n: int, fake: FakeSheets, creds: Credentials) -> dict:
    book = f"bench-{n}"
    fake.add_spreadsheet(book)
    fake.add_sheet(book, "Orders", export_rows(n), column_count=len(JD_HEADER))
    client = make_client(creds, fake.url)
    client.http_client.login()  # the token grant, not a Sheets request, outside the timing
    before = len(fake.sheets_requests())
    fake.busy_seconds = 0.0
    started = time.perf_counter()
    done = annotate_worksheet(client, book, "Orders", as_of=AS_OF, defaults={"platform": "jingxi"})
    total = time.perf_counter() - started
    requests = len(fake.sheets_requests()) - before
    fake.spreadsheets.pop(book)
    return {"rows": n, "seconds": total, "rules_seconds": done.rules_seconds, "requests": requests,
            "stand_in_seconds": fake.busy_seconds, "write_bytes": done.write_bytes,
            "late": done.status_counts.get("late", 0)}


def main(argv) -> int:
    sizes = [int(a) for a in argv] or [10_000, 100_000]
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    private, public = key_pair()
    fake = FakeSheets(public_key_pem=public, keep_bodies=False).start()
    creds = Credentials.from_service_account_info(service_account_info(private),
                                                  scopes=["https://www.googleapis.com/auth/spreadsheets"])
    ok = True
    try:
        print("seconds: total = rules (the core) + stand-in (the fake Sheets server, same process) + client "
              "(gspread, JSON, HTTP)")
        print(f"requests = 2 reads + writes; predicted writes = ceil(written bytes / {MAX_REQUEST_BYTES:,} B)")
        print(f"{'rows':>8} {'requests':>8} {'writes':>6} {'predicted':>9} {'B/row':>6} {'max MB':>6} "
              f"{'total':>8} {'rules':>8} {'stand-in':>8} {'client':>8}")
        for n in sizes:
            r = bench(n, fake, creds)
            client = r["seconds"] - r["rules_seconds"] - r["stand_in_seconds"]
            written = sum(r["write_bytes"])
            predicted = math.ceil(written / MAX_REQUEST_BYTES)
            print(f"{r['rows']:>8} {r['requests']:>8} {len(r['write_bytes']):>6} {predicted:>9} "
                  f"{written / n:>6.0f} {max(r['write_bytes']) / 2 ** 20:>6.2f} {r['seconds']:>8.2f} "
                  f"{r['rules_seconds']:>8.2f} {r['stand_in_seconds']:>8.2f} {client:>8.2f}")
            ok = ok and max(r["write_bytes"]) <= MAX_REQUEST_BYTES and r["requests"] == 2 + len(r["write_bytes"])
            if n == 10_000:
                rules_gap = r["rules_seconds"] - MAX_RULES_SECONDS_10K
                print(f"  target rules < {MAX_RULES_SECONDS_10K:.1f} s: "
                      f"{'met' if rules_gap < 0 else f'missed by {rules_gap:.2f} s'} "
                      f"({r['rules_seconds'] / n * 1e6:.0f} µs a row)")
        print(f"  target every write request <= {MAX_REQUEST_BYTES:,} B: {'met' if ok else 'missed'}")
    finally:
        fake.stop()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
