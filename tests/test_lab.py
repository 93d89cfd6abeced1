"""The chapters where readers run them: JupyterLab with jupyterlab-myst (what `make lab` opens).

A real JupyterLab server is started on a free localhost port over a copy of chapter 1, and
headless Chromium opens the notebook: the Markdown must render as MyST (a theorem as a theorem
box, not a ``{prf:theorem}`` fence), and the first code cells must run without an error. A
screenshot goes to `_build/screenshots/lab-chapter-01.png`. The server is stopped afterwards.

Needs Chromium, as tests/test_site.py does (skips without it, fails under CI=true).
"""

import asyncio
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request

import pytest
from conftest import ROOT
from playwright.async_api import async_playwright
from test_site import CHROMIUM_ARGS, SCREENSHOTS, chromium_or_skip

pytestmark = pytest.mark.slow

CHAPTER = "01_kl_divergence.ipynb"
TOKEN = "klce-test"
RUN_CELLS = 4  # the first code cells: set-up, imports and the first computations


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """A JupyterLab server over a copy of chapter 1; yields its base URL."""
    root = tmp_path_factory.mktemp("lab")
    shutil.copy(ROOT / "chapters" / CHAPTER, root / CHAPTER)
    settings = root / "settings"
    notification = settings / "@jupyterlab" / "apputils-extension"
    notification.mkdir(parents=True)
    (notification / "notification.jupyterlab-settings").write_text(
        '{"fetchNews": "false", "checkForUpdates": false}'
    )
    port = free_port()
    cmd = [sys.executable, "-m", "jupyter", "lab", "--no-browser", f"--port={port}"]
    cmd += ["--ip=127.0.0.1", f"--ServerApp.token={TOKEN}", f"--ServerApp.root_dir={root}"]
    cmd += ["--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"]
    cmd += [f"--LabApp.user_settings_dir={settings}"]
    if os.geteuid() == 0:
        cmd.append("--allow-root")
    env = {**os.environ, "JUPYTER_CONFIG_DIR": str(root / "config")}
    server = subprocess.Popen(
        cmd, cwd=root, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while True:
        try:
            urllib.request.urlopen(f"{base}/api/status?token={TOKEN}", timeout=2)
            break
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                server.kill()
                pytest.fail(f"JupyterLab did not start: {server.stderr.read()[-2000:]}")
            time.sleep(0.5)
    yield base
    server.terminate()
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        server.kill()


THEOREMS = """() => Array.from(document.querySelectorAll('.jp-Notebook .myst-proof'))
    .map(e => e.innerText.slice(0, 60))"""
RAW_FENCES = """() => Array.from(document.querySelectorAll(
    '.jp-MarkdownCell .jp-RenderedMarkdown, .jp-MarkdownCell .myst'))
    .map(e => e.innerText).join('\\n')
    .match(/\\{(prf:\\w+|exercise|admonition)\\}/g) || []"""
CELLS = """() => Array.from(document.querySelectorAll('.jp-Notebook .jp-CodeCell')).map(c => ({
    prompt: c.querySelector('.jp-InputPrompt')?.textContent.trim() || '',
    errors: Array.from(c.querySelectorAll(
        '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]'))
        .map(e => e.textContent.slice(0, 200)),
}))"""


@pytest.fixture(scope="module")
def lab_view(lab, tmp_path_factory):
    executable = chromium_or_skip()

    async def run() -> dict:
        async with async_playwright() as pw:
            browser = await pw.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
            page = await browser.new_page(viewport={"width": 1280, "height": 900})
            await page.goto(f"{lab}/lab/tree/{CHAPTER}?token={TOKEN}")
            await page.wait_for_selector(".jp-Notebook .myst-proof", timeout=90000)
            theorems = await page.evaluate(THEOREMS)
            raw = await page.evaluate(RAW_FENCES)
            await page.wait_for_selector(
                ".jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=90000
            )
            first = page.locator(".jp-Notebook .jp-CodeCell").first
            await first.click()
            await page.keyboard.press("Escape")  # command mode
            for _ in range(RUN_CELLS):
                await page.keyboard.press("Shift+Enter")
                await page.wait_for_timeout(300)
            await page.wait_for_function(
                f"Array.from(document.querySelectorAll('.jp-Notebook .jp-CodeCell'))"
                f".slice(0, {RUN_CELLS}).every(c => /\\[\\d+\\]/.test("
                f"c.querySelector('.jp-InputPrompt').textContent))",
                timeout=120000,
            )
            cells = (await page.evaluate(CELLS))[:RUN_CELLS]
            await page.evaluate("window.scrollTo(0, 0)")
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            await page.screenshot(path=str(SCREENSHOTS / "lab-chapter-01.png"))
            await browser.close()
            return {"theorems": theorems, "raw": raw, "cells": cells}

    return asyncio.run(run())


def test_myst_renders_theorems_in_jupyterlab(lab_view):
    assert lab_view["theorems"], "no theorem box: the Markdown is not rendered as MyST"
    assert not lab_view["raw"], f"directive fences shown as text: {lab_view['raw']}"


def test_the_first_cells_run_in_jupyterlab(lab_view):
    cells = lab_view["cells"]
    assert len(cells) == RUN_CELLS
    assert all(c["prompt"].startswith("[") and c["prompt"] != "[ ]:" for c in cells), cells
    assert not [e for c in cells for e in c["errors"]], cells
