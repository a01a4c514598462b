"""Exercise notebook 03's what-if panel in a real JupyterLab with the project's kernel, in headless Chromium.

Starts `jupyter lab` (this .venv) on a scratch copy of the notebook (so nothing in notebooks/ is saved over),
and Chromium with its DevTools port; opens the notebook, restarts the kernel and runs every cell, waits for the
panel, clicks the concentration reading back and forth (timing each click until the panel is redrawn, and
reading the kernel's own update time), moves the growth slider with the keyboard, clicks "Show the command",
and saves two screenshots. Stops both processes at the end.

Usage: .venv/bin/python tools/lab_panel_check.py OUT_DIR [--port 8899] [--chromium chromium]
"""

from __future__ import annotations

import argparse
import base64
import json
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import websocket

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK = ROOT / "notebooks" / "03-target-country-scoring.ipynb"
NB = "[...jupyterapp.shell.widgets('main')].find(w => w.sessionContext)"
PANEL = "document.querySelector('.jp-OutputArea-output .widget-vbox')"
RESULT = "document.querySelector('.ecresearch-whatif')"


class Page:
    """One Chromium tab over the DevTools protocol."""

    def __init__(self, devtools: int):
        new = urllib.request.Request(f"http://127.0.0.1:{devtools}/json/new?about:blank", method="PUT")
        ws_url = json.load(urllib.request.urlopen(new, timeout=30))
        self.ws = websocket.create_connection(ws_url["webSocketDebuggerUrl"], suppress_origin=True, timeout=120)
        self.n = 0

    def cdp(self, method: str, **params):
        self.n += 1
        self.ws.send(json.dumps({"id": self.n, "method": method, "params": params}))
        while True:
            msg = json.loads(self.ws.recv())
            if msg.get("id") == self.n:
                if "error" in msg:
                    raise RuntimeError(f"{method}: {msg['error']}")
                return msg["result"]

    def js(self, expr: str):
        r = self.cdp("Runtime.evaluate", expression=expr, awaitPromise=True, returnByValue=True)
        if "exceptionDetails" in r:
            raise RuntimeError(r["exceptionDetails"].get("text", "script error"))
        return r["result"].get("value")

    def wait(self, expr: str, timeout: float = 300, every: float = 0.2):
        end = time.time() + timeout
        while time.time() < end:
            try:
                value = self.js(expr)
            except RuntimeError:
                value = None
            if value:
                return value
            time.sleep(every)
        raise TimeoutError(f"waited {timeout:.0f} s for: {expr}")

    def click(self, element: str) -> None:
        self.js(f"({element}).scrollIntoView({{block: 'center'}})")
        x, y = self.js(
            f"(() => {{ const r = ({element}).getBoundingClientRect(); "
            "return [r.x + r.width / 2, r.y + r.height / 2]; })()"
        )
        for kind in ("mousePressed", "mouseReleased"):
            self.cdp("Input.dispatchMouseEvent", type=kind, x=x, y=y, button="left", clickCount=1)

    def key(self, name: str, code: int) -> None:
        for kind in ("keyDown", "keyUp"):
            self.cdp("Input.dispatchKeyEvent", type=kind, key=name, code=name, windowsVirtualKeyCode=code)

    def screenshot(self, path: Path) -> None:
        self.js(f"{PANEL}.scrollIntoView({{block: 'start'}})")
        time.sleep(1)
        path.write_bytes(base64.b64decode(self.cdp("Page.captureScreenshot", format="png")["data"]))
        print(f"screenshot: {path}")

    def kernel_print(self, code: str) -> str:
        """Run ``code`` in the notebook's kernel (as the notebook does) and return what it printed."""
        return self.js(
            f"(async () => {{ const k = ({NB}).sessionContext.session.kernel; "
            f"const f = k.requestExecute({{code: {json.dumps(code)}}}); "
            "let out = ''; f.onIOPub = m => { if (m.header.msg_type === 'stream') out += m.content.text; }; "
            "await f.done; return out; })()"
        ).strip()


def timed_click(page: Page, element: str) -> tuple[float, float]:
    """Click, and return (ms until the panel's result changed in the page, ms of the kernel's update)."""
    before = page.js(f"{RESULT}.innerText")
    page.js(
        "window.__t = null; window.__obs && window.__obs.disconnect(); window.__obs = new MutationObserver(() => "
        f"{{ if (window.__t === null && {RESULT} && {RESULT}.innerText !== {json.dumps(before)}) "
        f"window.__t = performance.now() - window.__t0; }}); window.__obs.observe({PANEL}, "
        "{subtree: true, childList: true, characterData: true}); window.__t0 = performance.now();"
    )
    page.click(element)
    page.wait("window.__t !== null", 60, 0.05)
    return page.js("window.__t"), 1000 * float(page.kernel_print("print(whatif_panel.update_seconds)"))


def button(text: str, cls: str = "button") -> str:
    return f"[...document.querySelectorAll('{cls}')].find(b => b.innerText.trim() === {json.dumps(text)})"


def drive(page: Page, port: int, out: Path) -> None:
    page.cdp("Page.enable")
    page.cdp("Emulation.setDeviceMetricsOverride", width=1400, height=1700, deviceScaleFactor=1, mobile=False)
    page.cdp("Page.navigate", url=f"http://127.0.0.1:{port}/lab/tree/{NOTEBOOK.name}?token=x")
    page.wait("!!(window.jupyterapp && document.querySelector('.jp-Notebook .jp-Cell'))")
    idle = (
        f"(() => {{ const w = {NB}; const s = w && w.sessionContext.session; const k = s && s.kernel; "
        "return k && k.status === 'idle'; })()"
    )
    page.wait(idle)
    page.js(f"jupyterapp.shell.activateById(({NB}).id)")
    page.js(f"(async () => {{ await ({NB}).sessionContext.session.kernel.restart(); }})()")
    page.wait(idle)
    print(
        "kernel:",
        page.js(f"({NB}).sessionContext.kernelDisplayName"),
        page.kernel_print("import sys; print(sys.executable)"),
    )
    page.js("jupyterapp.commands.execute('notebook:run-all-cells')")
    page.wait(f"document.querySelectorAll('.jp-OutputArea-output .widget-slider').length >= 5 && !!{RESULT}", 600)
    page.wait(idle, 120)
    page.screenshot(out / "panel.png")
    times = []
    for reading in ("gatekeeper", "channel") * 3:
        page_ms, kernel_ms = timed_click(page, button(reading, ".widget-toggle-button"))
        times.append(page_ms)
        print(f"{reading}: redrawn {page_ms:.0f} ms after the click (the kernel's update: {kernel_ms:.0f} ms)")
    print(f"click → redraw: best {min(times):.0f} ms of {len(times)}")
    timed_click(page, button("gatekeeper", ".widget-toggle-button"))
    page.js("document.querySelector('.widget-slider .noUi-handle').focus()")
    for _ in range(10):
        page.key("ArrowRight", 39)
    page.wait("document.querySelector('.widget-slider .widget-readout').innerText.trim() !== '33'", 30)
    page.wait(idle, 60)
    print("growth slider:", page.js("document.querySelector('.widget-slider .widget-readout').innerText"))
    page.click(button("Show the command"))
    cmd = "[...document.querySelectorAll('.widget-output')].find(e => e.innerText.includes('ecresearch build'))"
    page.wait(f"!!({cmd})", 60)
    print("command:", page.js(f"({cmd}).innerText").strip())
    print("first row:", page.js(f"{RESULT}.querySelector('tbody tr').innerText").replace("\t", " | "))
    page.screenshot(out / "panel-after.png")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("out", type=Path, help="folder for the screenshots")
    ap.add_argument("--port", type=int, default=8899)
    ap.add_argument("--devtools", type=int, default=9223)
    ap.add_argument("--chromium", default="chromium")
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="ecresearch-lab-"))
    shutil.copy(NOTEBOOK, work / NOTEBOOK.name)
    jupyter = Path(sys.executable).with_name("jupyter")
    lab = subprocess.Popen(
        [str(jupyter), "lab", "--no-browser", "--allow-root", f"--port={args.port}", "--ServerApp.ip=127.0.0.1",
         "--IdentityProvider.token=x", f"--ServerApp.root_dir={work}", "--LabApp.expose_app_in_browser=True"],
        stdout=subprocess.DEVNULL, stderr=open(work / "lab.log", "w"),
    )  # fmt: skip
    browser = subprocess.Popen(
        [args.chromium, "--headless=new", "--no-sandbox", "--disable-gpu", f"--remote-debugging-port={args.devtools}",
         "--remote-allow-origins=*", f"--user-data-dir={work / 'chromium'}", "about:blank"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        for _ in range(240):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{args.port}/api/status?token=x", timeout=2)
                urllib.request.urlopen(f"http://127.0.0.1:{args.devtools}/json/version", timeout=2)
                break
            except OSError:
                time.sleep(0.5)
        drive(Page(args.devtools), args.port, args.out)
    finally:
        for proc in (browser, lab):
            proc.terminate()
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
