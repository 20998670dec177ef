"""Screenshot pages of the running app in headless Debian chromium (for looking, not testing).

    .venv/bin/python scripts/screenshot.py http://127.0.0.1:8599 overview dropout ... [--out DIR]
        [--role county --db PATH_OF_THE_SERVERS_EDU_DB]

``risk#学生档案`` shows the page with that tab open (clicked: a lazy tab draws on the click).

With ``--db`` it first logs in as a test account of ``--role`` (created in that
database, see tests/accounts.py), as the browser tests do.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests.browser.helpers import login_as, settle, wait_for_app


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("base")
    ap.add_argument("pages", nargs="+")
    ap.add_argument("--out", default="screenshots")
    ap.add_argument("--width", type=int, default=1440)
    ap.add_argument("--height", type=int, default=2000)
    ap.add_argument("--role", default="county", help="role of the test account to log in as")
    ap.add_argument("--township", action="append", default=None, help="narrow the account to townships")
    ap.add_argument(
        "--db", default=None, help="the server's EDU_DB: log in first (needed since accounts exist)"
    )
    args = ap.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path="/usr/bin/chromium",
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        page = browser.new_page(viewport={"width": args.width, "height": args.height})
        if args.db:
            login_as(page, args.role, args.base, db=Path(args.db), townships=args.township)
        for arg in args.pages:
            name, _, tab = arg.partition("#")
            page.goto(f"{args.base}/{name}")
            wait_for_app(page)
            if tab:
                page.get_by_role("tab", name=tab).locator("visible=true").first.click()
                settle(page)
            page.wait_for_timeout(2500)  # let maps and charts draw
            path = out / f"{name}{'_' + tab if tab else ''}.png"
            page.screenshot(path=str(path), full_page=True)
            print(path)
        browser.close()


if __name__ == "__main__":
    main()
