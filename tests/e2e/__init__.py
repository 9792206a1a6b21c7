"""Browser tests: Playwright for Python driving Debian's Chromium against a live server."""
