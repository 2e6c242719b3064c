"""How many pages the printed clinician sheet takes, and its smallest type, in Debian's Chromium.

    .venv/bin/python tests/perf/measure_sheet_pages.py [--out DIR]

Stores the typical and the longest possible submission (tests/staff/sheets.py) on a throwaway SQLite file,
signs a clinician in through the sign-in form, prints each sheet to PDF on Letter and on A4 as the print
dialog does, and prints the page counts and the smallest computed font size on the sheet under print media.
With --out, keeps the PDFs there, with screenshots of the page on screen at 1280 and 375 pixels wide.

Not collected by pytest (no test_ prefix); tests/staff/test_print_pages.py asserts the limits on every run.
"""
from __future__ import annotations

import argparse
import logging
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402

from tests.conftest import StaffAuth, make_app  # noqa: E402
from tests.live import CHROMIUM, LAUNCH_ARGS, serve  # noqa: E402
from tests.staff.sheets import LONGEST, PAPERS, TYPICAL, font_sizes, printed, sign_in, store  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, help="keep the PDFs and screenshots in this folder")
    args = parser.parse_args()
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # one line per request otherwise
    if args.out:
        args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        app = make_app({"TESTING": True, "SECRET_KEY": "measure", "DATABASE_URL": f"sqlite:///{folder}/db.sqlite3"},
                       instance_path=f"{folder}/instance")
        sheets = {"typical": store(app, TYPICAL), "longest": store(app, LONGEST)}
        email = StaffAuth(app).create(("clinician",), email="measure@clinic.test")
        with serve(app) as url, sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS)
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            sign_in(page, url, email)
            print(f"{'sheet':<8} {'paper':<7} pages  smallest type")
            for name, reference in sheets.items():
                address = f"{url}/staff/submissions/{reference}"
                for paper in PAPERS:
                    data, pdf = printed(page, address, paper)
                    smallest = font_sizes(page)[0]
                    print(f"{name:<8} {paper:<7} {len(pdf.pages):>5}  {smallest[0] * 0.75:g} pt ({smallest[1]})")
                    if args.out:
                        (args.out / f"{name}-{paper}.pdf").write_bytes(data)
                if args.out:
                    for width in (1280, 375):
                        page.set_viewport_size({"width": width, "height": 900})
                        page.goto(address)
                        page.screenshot(path=str(args.out / f"{name}-{width}px.png"), full_page=True)
                    page.set_viewport_size({"width": 1280, "height": 900})
            browser.close()


if __name__ == "__main__":
    main()
