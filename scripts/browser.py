"""Debian's chromium, headless, as the tests and the screenshots launch it (no browser download here)."""

CHROMIUM = "/usr/bin/chromium"
# Without the networking flags, chromium keeps trying outside hosts this machine cannot reach.
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]


def launch(playwright):
    return playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
