"""Reads XLSX files with openpyxl (a real spreadsheet reader) and prints what the Go test checks, as JSON:
per file, per sheet: the frozen cell, and every row as [value, type, number format] cells."""
import datetime
import json
import sys

import openpyxl

out = {}
for path in sys.argv[1:]:
    wb = openpyxl.load_workbook(path)
    sheets = []
    for ws in wb.worksheets:
        rows = []
        for row in ws.iter_rows():
            cells = []
            for c in row:
                v = c.value
                if isinstance(v, (datetime.datetime, datetime.date)):
                    v = v.isoformat()
                cells.append([v, type(c.value).__name__, c.number_format])
            rows.append(cells)
        sheets.append({"name": ws.title, "freeze": ws.freeze_panes, "rows": rows})
    out[path] = sheets
json.dump(out, sys.stdout, ensure_ascii=False)
