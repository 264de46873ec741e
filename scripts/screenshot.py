#!/usr/bin/env python3
"""A screenshot of the timeline page (GET /) over the shipped corpus, in Debian's headless Chromium.

    .venv/bin/python scripts/screenshot.py [--out docs/timeline-page.png] [--query 'type=summit']

Starts `timeline serve` on a free port with a throwaway SQLite store (the shipped corpus and rules),
opens the page with selenium (the `test` extra) and /usr/bin/chromedriver, and saves the page as a
PNG (its first --height pixels). Needs `apt-get install chromium chromium-driver`.
"""
from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--hide-scrollbars"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def browser(profile: str, width: int = 1280, height: int = 900) -> webdriver.Chrome:
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in CHROMIUM_FLAGS + [f"--user-data-dir={profile}", f"--window-size={width},{height}"]:
        options.add_argument(flag)
    return webdriver.Chrome(options=options, service=Service("/usr/bin/chromedriver"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "docs" / "timeline-page.png"))
    parser.add_argument("--query", default="", help="filters of the page, e.g. 'type=summit&from=2025-01-01'")
    parser.add_argument("--height", type=int, default=1700, help="pixels of the page to show (0: all of it)")
    args = parser.parse_args()
    timeline = Path(sys.executable).parent / "timeline"
    with tempfile.TemporaryDirectory() as work:
        port = free_port()
        env = {**os.environ, "TIMELINE_DATABASE_URL": f"sqlite:///{work}/timeline.sqlite",
               "TIMELINE_CORPUS_DIR": str(ROOT / "corpus"), "TIMELINE_RULES_DIR": str(ROOT / "rules")}
        server = subprocess.Popen([str(timeline), "serve", "--host", "127.0.0.1", "--port", str(port)], env=env,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            deadline = time.monotonic() + 120
            while True:
                try:
                    urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5).close()
                    break
                except OSError:
                    if server.poll() is not None or time.monotonic() > deadline:
                        raise SystemExit("the server did not start")
                    time.sleep(0.3)
            driver = browser(f"{work}/profile")
            try:
                driver.get(f"http://127.0.0.1:{port}/" + (f"?{args.query}" if args.query else ""))
                WebDriverWait(driver, 60).until(lambda d: d.find_element(By.ID, "status").text.endswith("events"))
                height = args.height or driver.execute_script("return document.documentElement.scrollHeight")
                driver.set_window_size(1280, height)
                Path(args.out).parent.mkdir(parents=True, exist_ok=True)
                driver.save_screenshot(args.out)
            finally:
                driver.quit()
        finally:
            server.terminate()
            server.wait(timeout=30)
    print(args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
