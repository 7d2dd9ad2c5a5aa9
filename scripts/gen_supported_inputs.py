"""Writes docs/supported-inputs.md from the field table, the status words, the JOS mapping and the
export templates, so the page always says what the code does.

    .venv/bin/python scripts/gen_supported_inputs.py          # regenerate
    .venv/bin/python scripts/gen_supported_inputs.py --check  # exit 1 when the page is stale
"""
import argparse
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from shared import jos  # noqa: E402
from shared.fields import FIELDS, GROUPS, KINDS  # noqa: E402
from shared.headers import HEADER_SYNONYMS, map_header  # noqa: E402
from shared.vocabulary import STATUS_MEANINGS, STATUS_PREFIXES, STATUS_WORDS  # noqa: E402

PAGE = ROOT / "docs" / "supported-inputs.md"
TEMPLATES = ROOT / "shared" / "data" / "export_templates.toml"


def _cell(text: str) -> str:
    return str(text).replace("|", "\\|")


def _fields() -> list:
    lines = ["## Order fields", "",
             "Every field the API, Sheets and export files read (`shared/data/fields.toml`). Only `order_id` is required;",
             "a rule that lacks a field it needs is listed in `skipped` with the reason, and a value that cannot be read",
             "is an error on that field that skips only the rules reading it. \"kept\" fields are read and shown but no",
             "rule uses them yet.", "",
             "| field | kind | headers (most preferred first) | used | what it is |", "| --- | --- | --- | --- | --- |"]
    for f in FIELDS:
        kind = f"code: {', '.join(f.choices)}" if f.kind == "code" else f.kind
        headers = "、".join(f.headers) or "—"
        lines.append(f"| `{f.path}` | {_cell(kind)} | {_cell(headers)} | {'yes' if f.used else 'kept'} | "
                     f"{_cell(f.zh)} — {_cell(f.doc)} |")
    lines += ["", "Kinds: " + "; ".join(f"**{k}**: {v}" for k, v in KINDS.items()) + ".", "",
              "Groups: " + "; ".join(f"`{g}`: {doc}" for g, doc in GROUPS.items()), ""]
    return lines


def _statuses() -> list:
    lines = ["## Order status words", "",
             "JD's status words (exports, the seller backend) and JOS `orderState` codes (`shared/data/vocabulary.toml`),",
             "and what each means for the rules. A word not listed is never read as \"to ship\": the ship rule is",
             "skipped with the word quoted.", "", "| meaning | ship rule | words |", "| --- | --- | --- |"]
    for meaning, entry in STATUS_MEANINGS.items():
        words = "、".join(f"`{w}`" for w, m in STATUS_WORDS.items() if m == meaning)
        rule = "applies" if entry["ship"] else f"skipped: {entry['why']['zh']} / {entry['why']['en']}"
        lines.append(f"| {meaning} ({entry['zh']}) | {_cell(rule)} | {words} |")
    lines += ["", "Prefixes that change the meaning: " + "、".join(f"`{p}` → {m}" for p, m in STATUS_PREFIXES.items())
              + " (e.g. `(删除)等待出库` is a deleted order).", ""]
    return lines


def _jos() -> list:
    lines = ["## JOS order payloads", "",
             "`POST /api/v1/orders/annotate` and the export command (a `.json` file) take JOS order objects",
             "(`jingdong.pop.order.search / enSearch / enGet`): one `orderInfoList` element, a list, or the whole",
             "`…_responce` envelope; an `error_response` is refused (API: 422 `jos_error_response`). Times may be",
             "`yyyy-MM-dd HH:mm:ss` (Beijing) or epoch milliseconds; `0001-01-01 00:00:00` means not set. Each result's",
             "`source` lists the JOS fields used and ignored.", "", "| JOS field | contract field |", "| --- | --- |"]
    lines += [f"| `{k}` | `{v}` |" for k, v in jos.TOP_LEVEL.items()]
    lines += [f"| `itemInfoList[0].{k}` | `{v}` |" for k, v in jos.FIRST_ITEM.items()]
    lines += ["| `itemInfoList[].itemTotal` (summed) | `quantity` |", "", "Every other JOS field is ignored.", ""]
    return lines


def _templates() -> list:
    data = tomllib.loads(TEMPLATES.read_text(encoding="utf-8"))
    lines = ["## JD export templates", "",
             "The templates seen in public code that reads real files (`shared/data/export_templates.toml`), and what",
             "the project reads from each. A header above the real header row (the after-sales export's group row) is",
             "found by itself: the header is the first row that names 订单号 or 服务单号.", ""]
    for template in data["template"]:
        columns, unmapped = map_header(template["headers"])
        used = {template["headers"][i]: field for i, field in columns.items()}
        alternates = [h for h in unmapped if any(h in HEADER_SYNONYMS[f] for f in columns.values())]
        ignored = [h for h in unmapped if h not in alternates]
        missing = [f for f in ("paid_at", "picked_up_at", "shipped_at", "received_at") if f not in columns.values()]
        lines += [f"### {template['name']}", "", f"Source: {template['source']}.", "",
                  "Read: " + "、".join(f"{h} → `{f}`" for h, f in used.items()) + "."]
        if alternates:
            lines.append("Also present, meaning a field read from a preferred column: " + "、".join(alternates) + ".")
        if ignored:
            lines.append("Not read (personal data, invoices, free text): " + "、".join(ignored) + ".")
        if missing:
            lines.append("Lacks: " + ", ".join(f"`{f}`" for f in missing) +
                         " — each row's explanation says which rule could not be worked out and the column it needs.")
        lines.append("")
    return lines


def render() -> str:
    head = ["<!-- GENERATED by scripts/gen_supported_inputs.py: edit the data files, then run it. -->",
            "# Supported inputs", "",
            "What JD Promo Guard reads and what it does with it. Real JD data comes first: these lists come from",
            "public code that reads real exports, payloads and pages (each template names its source).", ""]
    return "\n".join(head + _fields() + _statuses() + _jos() + _templates()).rstrip() + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    text = render()
    if args.check:
        if not PAGE.exists() or PAGE.read_text(encoding="utf-8") != text:
            print("stale: docs/supported-inputs.md (run scripts/gen_supported_inputs.py)", file=sys.stderr)
            return 1
        return 0
    PAGE.write_text(text, encoding="utf-8")
    print(f"wrote {PAGE.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
