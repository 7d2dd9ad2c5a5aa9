"""``python -m sheets_addon annotate <spreadsheet url or id> [--worksheet Orders]``

Annotates a Google Sheets worksheet of JD orders in place with a service account.
Exit codes: 0 done; 2 a bad argument or key file, a header that cannot be mapped, an unknown
worksheet or a grid over Google's cell limit (nothing written); 1 a Sheets API or
authentication error; 3 Google kept refusing or could not be reached for --retry-time-limit.
"""
import argparse
import functools
import sys
from datetime import datetime

import google.auth.exceptions
import gspread
import requests
from gspread.utils import extract_id_from_url
from tqdm import tqdm

from shared import BEIJING, InputError, default_engine, parse_time
from shared.headers import BadColumnMap, parse_column_map
from shared.options import BadOption, add_arguments, from_arguments

from .annotate_sheet import GridTooLarge, UnmappableHeader, WorksheetMissing, WriteInterrupted, annotate_worksheet
from .client import (BASE_URL_ENV, DEFAULT_KEY_FILE, DEFAULT_RETRY_TIME_LIMIT, KeyFileError, RetryLimitReached,
                     RetryPolicy, describe_failure, load_credentials, make_client)

# Below this many rows the run takes well under a second: no progress bar.
PROGRESS_MIN_ROWS = 2000


def build_parser(prog: str = "python -m sheets_addon") -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=prog,
                                     description="JD Promo Guard for Google Sheets 京东大促订单标注")
    commands = parser.add_subparsers(dest="command", required=True)
    annotate = commands.add_parser(
        "annotate", help="annotate a worksheet in place 标注工作表",
        description="Reads the worksheet once, annotates every order line with the rules core and writes "
                    "only the JDPG columns (appended to the right of the data; updated in place on re-runs).")
    annotate.add_argument("spreadsheet", help="spreadsheet URL or id 表格链接或 ID")
    annotate.add_argument("--worksheet", help="worksheet title 工作表名 (default: Orders if there is one, else the "
                                              "first worksheet)")
    annotate.add_argument("--credentials", help="service-account key file (default: GOOGLE_APPLICATION_CREDENTIALS, "
                                                f"then {DEFAULT_KEY_FILE})")
    annotate.add_argument("--as-of", help="the 'now' for pending orders, e.g. '2022-06-20 12:00:00' (Beijing time; "
                                          "default: the current time)")
    annotate.add_argument("--platform", choices=("jd", "jd_international", "jingxi"),
                          help="platform of rows whose sheet has no 平台 column (default jd)")
    annotate.add_argument("--map", "--column", dest="column", action="append", default=[], metavar="表头=field",
                          help="map one of your own headers to a contract field, e.g. 揽收时间=picked_up_at "
                               "(repeatable; --column is the same)")
    add_arguments(annotate)
    annotate.add_argument("--googleapis-base-url", metavar="URL",
                          help=f"DEV/TEST ONLY: send every *.googleapis.com request (token, Sheets) to this base URL, "
                               f"e.g. a local stand-in of the Sheets API (also env {BASE_URL_ENV})")
    annotate.add_argument("--retry-time-limit", type=float, default=DEFAULT_RETRY_TIME_LIMIT, metavar="SECONDS",
                          help="when Google answers 429 (quota) or 5xx, or cannot be reached, retry with back-off "
                               "for at most this many seconds in all, then stop with exit code 3 "
                               f"(default {DEFAULT_RETRY_TIME_LIMIT:.0f}) 重试总时长上限")
    annotate.add_argument("--no-progress", action="store_true", help="no progress bar")
    return parser


def _say(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def main(argv=None, prog: str = "python -m sheets_addon") -> int:
    """The command; ``prog`` is the name usage lines show (e.g. ``jdpg sheets``)."""
    args = build_parser(prog).parse_args(argv)
    try:
        as_of = parse_time(args.as_of) if args.as_of else datetime.now(BEIJING)
        column_map = parse_column_map(args.column)
        options = from_arguments(args, default_engine().calendar)
        spreadsheet_id = extract_id_from_url(args.spreadsheet) if "/" in args.spreadsheet else args.spreadsheet
        credentials = load_credentials(args.credentials)
    except (InputError, BadColumnMap, BadOption) as exc:
        print(f"参数错误：{exc.message}\nbad argument: {exc.message_en}", file=sys.stderr)
        return 2
    except gspread.exceptions.NoValidUrlKeyFound:
        print(f"参数错误：{args.spreadsheet!r} 不是表格链接或 ID\n"
              f"bad argument: {args.spreadsheet!r} is not a spreadsheet URL or id", file=sys.stderr)
        return 2
    except KeyFileError as exc:
        print(f"{exc.message}\n{exc.message_en}", file=sys.stderr)
        return 2
    policy = RetryPolicy(time_limit=args.retry_time_limit, report=_say)
    client = make_client(credentials, args.googleapis_base_url, policy)
    progress = None
    if not args.no_progress:
        progress = functools.partial(_progress_bar, file=sys.stderr)
    try:
        done = annotate_worksheet(client, spreadsheet_id, args.worksheet, as_of=as_of,
                                  defaults={"platform": args.platform} if args.platform else None,
                                  column_map=column_map or None, options=options, progress=progress, report=_say)
    except UnmappableHeader as exc:
        print(f"无法标注：{exc.message}\nCannot annotate: {exc.message_en}\n"
              f"缺少的列 missing columns: {', '.join(exc.missing)}", file=sys.stderr)
        return 2
    except (WorksheetMissing, GridTooLarge) as exc:
        print(f"{exc.message}\n{exc.message_en}", file=sys.stderr)
        return 2
    except WriteInterrupted as exc:
        code = _report_failure(exc.cause, credentials, spreadsheet_id)
        if exc.done:
            _say(f"已完整写入 {exc.done}/{exc.total} 个写请求（前 {exc.rows_done} 行），其余未写入；稍后重新运行即可补完"
                 f"（重跑只更新本工具的列）\n{exc.done} of {exc.total} write requests were applied whole (the first "
                 f"{exc.rows_done} rows), the rest not; run again later to finish "
                 f"(a re-run updates our columns in place)")
        else:
            _say("未写入任何内容 / nothing was written")
        return code
    except (RetryLimitReached, gspread.exceptions.APIError, google.auth.exceptions.GoogleAuthError,
            requests.RequestException) as exc:
        code = _report_failure(exc, credentials, spreadsheet_id)
        _say("未写入任何内容 / nothing was written")
        return code
    counts = done.status_counts
    print(f"已标注 {done.rows} 行 annotated {done.rows} rows: "
          f"超时 late {counts.get('late', 0)}, 即将超时 at risk {counts.get('at_risk', 0)}, "
          f"需赔付 owed {counts.get('owed', 0)}, 错误 errors {counts.get('error', 0)}; "
          f"应赔 compensation ¥{done.summary.get('compensation_total', '0.00')}; "
          f"worksheet {done.worksheet!r}, "
          f"columns {', '.join(gspread.utils.rowcol_to_a1(1, c)[:-1] for c in done.columns_written)}; "
          f"{done.write_requests} write request(s)")
    return 0


def _report_failure(exc: Exception, credentials, spreadsheet_id: str) -> int:
    """Prints what went wrong and what to do, Chinese then English; returns the exit code."""
    email = credentials.service_account_email
    if isinstance(exc, RetryLimitReached):
        _say(f"Google 持续拒绝或无法连接，已重试 {exc.attempts} 次、{exc.spent:.0f} 秒（上限 --retry-time-limit "
             f"{exc.limit:.0f} 秒），已停止：{describe_failure(exc.cause)}。请稍后再试；在中国大陆访问 Google 需要 VPN。\n"
             f"Google kept refusing or could not be reached: stopped after {exc.attempts} attempts and "
             f"{exc.spent:.0f} s (--retry-time-limit {exc.limit:.0f} s). Try again later; from mainland China "
             f"Google needs a VPN.")
        return 3
    if isinstance(exc, google.auth.exceptions.RefreshError):
        _say(f"服务账号认证失败（{exc}）：密钥可能已被删除或停用，请在 Google Cloud 控制台为 {email} 新建密钥\n"
             f"service-account authentication failed ({exc}): the key may have been deleted or disabled; "
             f"make a new key for {email} in Google Cloud Console")
        return 1
    if isinstance(exc, (google.auth.exceptions.GoogleAuthError, requests.RequestException)):
        _say(f"无法连接 Google（{exc}）；在中国大陆访问 Google 需要 VPN\n"
             f"cannot reach Google ({exc}); from mainland China Google needs a VPN")
        return 1
    error = exc.error if isinstance(exc, gspread.exceptions.APIError) else {}
    message = str(error.get("message", exc))
    if exc.code == 403 and _service_disabled(error):
        _say(f"Google Sheets API 未启用：请在 Google Cloud 控制台为项目 {credentials.project_id} 启用 Google Sheets API"
             f"（{message}）\nthe Google Sheets API is not enabled: enable it for project {credentials.project_id} "
             f"in Google Cloud Console ({message})")
    elif exc.code == 403:
        _say(f"没有权限（403 {message}）：请把表格共享给 {email} 并设为编辑者\n"
             f"permission denied (403 {message}): share the sheet with {email} as editor")
    elif exc.code == 404:
        _say(f"找不到表格 {spreadsheet_id}（404）：请检查表格链接或 ID，并确认表格已共享给 {email}\n"
             f"spreadsheet {spreadsheet_id} not found (404): check the link or id, and that the sheet is shared "
             f"with {email}")
    else:
        _say(f"Google Sheets API 错误 error {exc.code}: {message}")
    return 1


def _service_disabled(error: dict) -> bool:
    reasons = {d.get("reason") for d in error.get("details", []) if isinstance(d, dict)}
    return "SERVICE_DISABLED" in reasons or "has not been used in project" in str(error.get("message", ""))


def _progress_bar(iterable, *, total, file):
    return tqdm(iterable, total=total, file=file, unit="row", desc="标注 annotating",
                disable=total < PROGRESS_MIN_ROWS)


if __name__ == "__main__":
    sys.exit(main())
