"""Faithful local stand-ins of the services that cannot be reached from here, for tests and
benchmarks alike: the Google Sheets API v4 with its OAuth token endpoint (``google_sheets``), the
WeCom and DingTalk group robots (``group_robots``) and JD's order export as the seller backend
writes it (``jd_export``). Each is built from the
service's public documentation and recorded responses, and says in its docstring what it cannot show."""
