"""Screenshots of the app for the README: chat (Urdu, English, mixed), evidence,
summary and articles, at 1366x900 and 390x844, in light and dark mode.

    python bench/screenshots.py [--out docs/screenshots] [--fake]

Starts the app in this process on a free loopback port with the real pipeline
(`Pipeline(Settings())`, KHABAR_* variables apply; use a private
KHABAR_DATA_DIR), or with the scripted one of the tests (`--fake`, for layout
work only: its answers are canned). Drives Debian's chromium with playwright
and writes `{view}-{width}x{height}-{scheme}.png`. Slow with real models: the
first English answer reads the whole article and the first summary takes
minutes on two cores; the answers are asked once per size and scheme.
"""

from __future__ import annotations

import argparse
import socket
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

CHROMIUM = "/usr/bin/chromium"
SIZES = ((1366, 900), (390, 844))
SCHEMES = ("light", "dark")
URDU_Q = "مشترکہ پریس کانفرنس کس دن ہوئی؟"
ENGLISH_Q = "On which day of the week was the joint press conference held?"
MIXED_Q = "NCCIA نے پریس کانفرنس کب کی؟"
TIMEOUT_MS = 600_000


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def ask(page: Any, question: str, before: int) -> None:
    page.locator("#kh-question textarea").fill(question)
    page.locator("#kh-ask").click()
    page.locator("#kh-chat .kh-msg[lang]").nth(before).wait_for(timeout=TIMEOUT_MS)
    page.wait_for_timeout(400)


def shoot(browser: Any, url: str, out: Path, width: int, height: int, scheme: str) -> list[Path]:
    context = browser.new_context(viewport={"width": width, "height": height}, color_scheme=scheme, locale="en-US")
    page = context.new_page()
    page.goto(url + ("?__theme=dark" if scheme == "dark" else "?__theme=light"))
    page.locator("#kh-question textarea").wait_for()
    written = []

    def snap(view: str) -> None:
        path = out / f"{view}-{width}x{height}-{scheme}.png"
        page.screenshot(path=str(path))
        written.append(path)

    ask(page, URDU_Q, 0)
    snap("chat-urdu")
    ask(page, ENGLISH_Q, 1)
    snap("chat-english")
    ask(page, MIXED_Q, 2)
    snap("chat-mixed")
    page.locator("#kh-chat a.kh-cite").last.click()
    page.wait_for_timeout(1200)
    snap("evidence")
    page.locator("button[role=tab]").nth(1).click()
    page.locator("#kh-summarise").click()
    page.locator("#kh-summary-en li, #kh-summary-en .kh-refusal").first.wait_for(timeout=TIMEOUT_MS)
    page.wait_for_function(  # the line saying which points are still being written is gone
        "() => !document.querySelector('#kh-summaries .kh-pending')", timeout=TIMEOUT_MS
    )
    snap("summary")
    page.locator("button[role=tab]").nth(2).click()
    page.locator("#kh-preview .kh-edition").first.wait_for()
    snap("articles")
    context.close()
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--fake", action="store_true", help="the tests' scripted pipeline (layout work only)")
    args = parser.parse_args()

    from playwright.sync_api import sync_playwright

    from rag.config import Settings
    from ui.app import launch

    if args.fake:
        import tempfile

        from fake_pipeline import FakePipeline

        tmp = Path(tempfile.mkdtemp(prefix="khabar-shots-"))
        pipeline: Any = FakePipeline()
        settings = Settings(articles_dir=tmp / "articles", data_dir=tmp / "data")
    else:
        from rag.pipeline import Pipeline

        settings = Settings()
        pipeline = Pipeline(settings)
        pipeline.index()  # as `make run` does before the app: a new KHABAR_DATA_DIR has no index yet
    args.out.mkdir(parents=True, exist_ok=True)
    app = launch(pipeline, port=free_port(), settings=settings, block=False)
    t0 = time.perf_counter()
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--headless", "--no-sandbox", "--disable-gpu"])
            for width, height in SIZES:
                for scheme in SCHEMES:
                    for path in shoot(browser, str(app.local_url).rstrip("/"), args.out, width, height, scheme):
                        print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)
            browser.close()
    finally:
        app.close()
    print(f"done in {time.perf_counter() - t0:.0f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
