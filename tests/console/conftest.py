"""One headless Chromium for the console's browser tests: the distribution's own (/usr/bin/chromium,
installed by .ci/setup from .ci/apt-packages.txt), driven by Playwright; Playwright's browser
downloads are never used."""
from __future__ import annotations

import os
import shutil

import pytest

CHROMIUM = os.environ.get("GRIDWORKER_CHROMIUM", "/usr/bin/chromium")


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: .ci/setup installs the distribution's chromium package")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield b
        b.close()
