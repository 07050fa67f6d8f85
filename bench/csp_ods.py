"""Benchmark: reading the Home Office's police recorded crime by Community Safety Partnership area
as published, a .ods whose content.xml is over a gigabyte of XML (issue 23, section 2).

Writes a workbook in the published layout (a cover sheet, then one sheet per financial year, the
header of nine columns, each row's trailing empty cells and each sheet's last million empty rows
written as LibreOffice writes them) with ``--rows`` lines in all, streamed into the zip so the XML
is never held; then reads it through the Data page's door (``intake.preview``) in a fresh Python
process and prints the seconds (wall clock and CPU: the machine may be shared), the peak memory (VmHWM), the file's size zipped and unzipped and
the totals kept. The lines are invented.

    .venv/bin/python bench/csp_ods.py [--rows 1300000] [--keep FILE]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import numpy as np

HEADER = ("Financial Year", "Financial Quarter", "Police Force", "CSP Name", "Offence Description", "Offence Group",
          "Offence Subgroup", "Offence Code", "Offence Count")
GROUPS = ("Violence against the person", "Sexual offences", "Robbery", "Theft offences", "Criminal damage and arson",
          "Drug offences", "Possession of weapons offences", "Public order offences",
          "Miscellaneous crimes against society")
NS = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
      'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
      'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
      'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0"')
CHILD = """
import json, sys, time
from pathlib import Path
from smp_dash import intake
start, cpu = time.perf_counter(), time.process_time()
result = intake.preview(Path(sys.argv[1]), "prc-csp-tables.ods", "csp_crime")
seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
peak = next(int(l.split()[1]) / 1024 for l in Path("/proc/self/status").read_text().splitlines() if l.startswith("VmHWM:"))
print(json.dumps({"seconds": seconds, "cpu_seconds": cpu, "peak_mb": peak, "lines": result.rows_read, "totals": result.rows_accepted,
                  "rejected": result.rows_rejected}))
"""


def _text(value: str) -> str:
    return f'<table:table-cell office:value-type="string" table:style-name="ce1"><text:p>{value}</text:p></table:table-cell>'


def write(path: Path, rows: int, seed: int = 23) -> None:
    """A workbook of ``rows`` lines over ten financial years, 300 partnerships, 120 offence codes."""
    rng = np.random.default_rng(seed)
    years = [f"{y}_{(y + 1) % 100:02d}" for y in range(2015, 2025)]
    csps = [(f"Force {i // 8:02d}", f"Partnership {i:03d}") for i in range(300)]
    codes = [(f"Offence description number {c}", GROUPS[c % len(GROUPS)], f"Subgroup {c % 25}", f"{c:03d}")
             for c in range(120)]
    per_year = rows // len(years)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        with z.open("content.xml", "w", force_zip64=True) as out:
            out.write(f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {NS} office:version="1.3">'
                      '<office:body><office:spreadsheet><table:table table:name="Cover"><table:table-row>'
                      f'{_text("Police recorded crime by Community Safety Partnership area (invented)")}'
                      '</table:table-row></table:table>'.encode())
            for year in years:
                fy = year.replace("_", "/")
                out.write(f'<table:table table:name="{year}"><table:table-column table:number-columns-repeated="9"/>'
                          f'<table:table-row>{"".join(_text(h) for h in HEADER)}</table:table-row>'.encode())
                counts = rng.poisson(12, per_year)
                chunk = []
                for i in range(per_year):
                    force, csp = csps[(i // 480) % len(csps)]
                    desc, group, sub, code = codes[i % len(codes)]
                    quarter = 1 + (i // 120) % 4
                    chunk.append(
                        f'<table:table-row table:style-name="ro1">{_text(fy)}'
                        f'<table:table-cell office:value-type="float" office:value="{quarter}"><text:p>{quarter}</text:p>'
                        f'</table:table-cell>{_text(force)}{_text(csp)}{_text(desc)}{_text(group)}{_text(sub)}'
                        f'{_text(code)}<table:table-cell office:value-type="float" office:value="{counts[i]}">'
                        f'<text:p>{counts[i]}</text:p></table:table-cell>'
                        '<table:table-cell table:number-columns-repeated="16375"/></table:table-row>')
                    if len(chunk) == 5000:
                        out.write("".join(chunk).encode())
                        chunk = []
                out.write("".join(chunk).encode())
                out.write(b'<table:table-row table:number-rows-repeated="1048000"><table:table-cell '
                          b'table:number-columns-repeated="16384"/></table:table-row></table:table>')
            out.write(b"</office:spreadsheet></office:body></office:document-content>")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_300_000)
    parser.add_argument("--keep", type=Path, default=None, help="write the workbook here and keep it")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = args.keep or Path(tmp) / "prc-csp-tables.ods"
        start = time.perf_counter()
        write(path, args.rows)
        written = time.perf_counter() - start
        with zipfile.ZipFile(path) as z:
            xml = z.getinfo("content.xml").file_size
        done = subprocess.run([sys.executable, "-c", CHILD, str(path)], capture_output=True, text=True, check=True)
        figures = json.loads(done.stdout)
        print(json.dumps({"rows": args.rows, "ods_mb": round(path.stat().st_size / 1e6, 1),
                          "content_xml_mb": round(xml / 1e6, 1), "ratio": round(xml / path.stat().st_size, 1),
                          "write_seconds": round(written, 1), "read_seconds": round(figures["seconds"], 1),
                          "read_cpu_seconds": round(figures["cpu_seconds"], 1),
                          "peak_mb": round(figures["peak_mb"]), "lines": figures["lines"], "totals": figures["totals"],
                          "rejected": figures["rejected"]}, indent=1))


if __name__ == "__main__":
    main()
