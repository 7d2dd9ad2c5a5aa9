"""Order export files (订单导出): annotate a JD export offline, from the command line.

``python -m server annotate <file>`` reads the CSV or .xlsx the seller backend exports and
writes a copy with the rules core's annotation columns appended (see ``cli.main``).
"""
