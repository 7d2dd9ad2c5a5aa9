"""JD Promo Guard for Google Sheets.

Two parts: ``apps_script/`` (the add-on pushed with clasp: custom formulas and a menu that
call the HTTP API) and this Python package, a command that annotates a sheet through
gspread and the rules core directly (``python -m sheets_addon annotate …``).
"""
