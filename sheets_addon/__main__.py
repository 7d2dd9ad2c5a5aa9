"""``python -m sheets_addon annotate <spreadsheet url or id> --worksheet Orders``

Annotates a Google Sheets worksheet of JD orders in place with a service account.
Exit codes: 0 done, 2 bad arguments or a header that cannot be mapped, 1 a Sheets API error.
"""
import argparse
import functools
import sys
from datetime import datetime

import google.auth.exceptions
import gspread
from gspread.utils import extract_id_from_url
from tqdm import tqdm

from server.runtime import tune_gc
from shared import BEIJING, InputError, parse_time

from .annotate_sheet import UnmappableHeader, WorksheetMissing, annotate_worksheet
from .client import BASE_URL_ENV, load_credentials, make_client

# Below this many rows the run takes well under a second: no progress bar.
PROGRESS_MIN_ROWS = 2000


def _column_map(pairs: list[str]) -> dict:
    mapping = {}
    for pair in pairs:
        header, sep, field = pair.partition("=")
        if not sep or not header.strip() or not field.strip():
            raise argparse.ArgumentTypeError(f"--column expects 表头=field, got {pair!r}")
        mapping[header.strip()] = field.strip()
    return mapping


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m sheets_addon",
                                     description="JD Promo Guard for Google Sheets 京东大促订单标注")
    commands = parser.add_subparsers(dest="command", required=True)
    annotate = commands.add_parser(
        "annotate", help="annotate a worksheet in place 标注工作表",
        description="Reads the worksheet once, annotates every order line with the rules core and writes "
                    "only the JDPG columns (appended to the right of the data; updated in place on re-runs).")
    annotate.add_argument("spreadsheet", help="spreadsheet URL or id 表格链接或 ID")
    annotate.add_argument("--worksheet", default="Orders", help="worksheet title 工作表名 (default: Orders)")
    annotate.add_argument("--credentials", help="service-account key file (default: GOOGLE_APPLICATION_CREDENTIALS, "
                                                "then ~/.config/gspread/service_account.json)")
    annotate.add_argument("--as-of", help="the 'now' for pending orders, e.g. '2022-06-20 12:00:00' (Beijing time; "
                                          "default: the current time)")
    annotate.add_argument("--platform", choices=("jd", "jd_international", "jingxi"),
                          help="platform of rows whose sheet has no 平台 column (default jd)")
    annotate.add_argument("--column", action="append", default=[], metavar="表头=field",
                          help="map one of your own headers to a contract field, e.g. 揽收时间=picked_up_at")
    annotate.add_argument("--googleapis-base-url", metavar="URL",
                          help=f"DEV/TEST ONLY: send every *.googleapis.com request (token, Sheets) to this base URL, "
                               f"e.g. a local stand-in of the Sheets API (also env {BASE_URL_ENV})")
    annotate.add_argument("--no-progress", action="store_true", help="no progress bar")
    return parser


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    tune_gc()
    try:
        as_of = parse_time(args.as_of) if args.as_of else datetime.now(BEIJING)
        column_map = _column_map(args.column)
    except (InputError, argparse.ArgumentTypeError) as exc:
        print(f"参数错误 bad argument: {getattr(exc, 'message', '')} {exc}", file=sys.stderr)
        return 2
    spreadsheet_id = extract_id_from_url(args.spreadsheet) if "/" in args.spreadsheet else args.spreadsheet
    client = make_client(load_credentials(args.credentials), args.googleapis_base_url)
    progress = None
    if not args.no_progress:
        progress = functools.partial(_progress_bar, file=sys.stderr)
    try:
        done = annotate_worksheet(client, spreadsheet_id, args.worksheet, as_of=as_of,
                                  defaults={"platform": args.platform} if args.platform else None,
                                  column_map=column_map or None, progress=progress)
    except UnmappableHeader as exc:
        print(f"无法标注：{exc.message}\nCannot annotate: {exc.message_en}\n"
              f"缺少的列 missing columns: {', '.join(exc.missing)}", file=sys.stderr)
        return 2
    except WorksheetMissing as exc:
        print(f"{exc.message}\n{exc.message_en}", file=sys.stderr)
        return 2
    except google.auth.exceptions.RefreshError as exc:
        print(f"服务账号认证失败 service-account authentication failed: {exc}", file=sys.stderr)
        return 1
    except gspread.exceptions.APIError as exc:
        print(f"Google Sheets API 错误 error {exc.code}: {exc.error.get('message', exc)}", file=sys.stderr)
        return 1
    counts = done.status_counts
    print(f"已标注 {done.rows} 行 annotated {done.rows} rows: "
          f"超时 late {counts.get('late', 0)}, 即将超时 at risk {counts.get('at_risk', 0)}, "
          f"需赔付 owed {counts.get('owed', 0)}, 错误 errors {counts.get('error', 0)}; "
          f"应赔 compensation ¥{done.summary.get('compensation_total', '0.00')}; "
          f"columns {', '.join(gspread.utils.rowcol_to_a1(1, c)[:-1] for c in done.columns_written)}")
    return 0


def _progress_bar(iterable, *, total, file):
    return tqdm(iterable, total=total, file=file, unit="row", desc="标注 annotating",
                disable=total < PROGRESS_MIN_ROWS)


if __name__ == "__main__":
    sys.exit(main())
