"""Check notebook 03's what-if panel in a real JupyterLab server with the project's kernel, speaking the
server's REST API and the kernel's websocket protocol as a front end does (no browser needed).

Starts `jupyter lab` from this .venv on 127.0.0.1 at the repository root (as `make lab` does; a random token),
reads notebook 03 through the contents API, starts its kernel through the sessions API, runs every code cell
as JupyterLab runs it (``allow_stdin`` true), and checks:
- the kernel is this .venv's Python and imports this checkout's ecresearch;
- the panel cell opens widget comms and displays a widget view (the live panel, not the static fallback);
- a slider moved through its comm, as a front end sends a drag (``method: update``), makes the kernel redraw
  the result: the ranking in the result widget changes, and equals ``score()`` of the new setting computed
  afresh in the same kernel;
- the same for the concentration reading, then the growth slider moved back gives the first table again.
Nothing is saved to the notebook. The server is stopped at the end (by its process id).

Usage: .venv/bin/python tools/lab_kernel_check.py [--port 8899] [--growth 80]
Exit status 0 when every check holds; each failure is one line on stderr.
"""

from __future__ import annotations

import argparse
import datetime
import json
import re
import secrets
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from pathlib import Path

import websocket

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK = "notebooks/03-target-country-scoring.ipynb"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
ROW_ISO3 = re.compile(r"<tr><td>(\d+)</td><td>[^<]*\(([A-Z]{3})\)</td>")

# Run in the kernel after a change: the panel's setting, and the ranking score() gives it from scratch.
FRESH = """
import json as _json
from ecresearch import datasets as _ds
from ecresearch.scores import model as _model, whatif as _whatif
_setting = whatif_panel.setting()
_params = _whatif.params_of(whatif_panel.ctx.prep.base, _setting)
_fresh = _model.score(_ds.read("deck_figures"), _ds.read("external_figures"), _params).scores
_ranked = _fresh.filter(_fresh["rank"].is_not_null()).select("rank", "iso3").rows()
print(_json.dumps({"setting": [list(_setting.weights), _setting.direction, _setting.hhi_point, _setting.max_missing],
                   "ranking": [list(r) for r in _ranked], "update_ms": 1000 * whatif_panel.update_seconds}))
"""


class Failed(Exception):
    pass


def check(ok: bool, what: str) -> None:
    if not ok:
        raise Failed(what)
    print(f"ok: {what}")


class Server:
    """`jupyter lab` on the loopback interface, and its REST API."""

    def __init__(self, port: int):
        self.port, self.token = port, secrets.token_hex(16)
        self.log = tempfile.NamedTemporaryFile(prefix="ecresearch-lab-", suffix=".log", delete=False)
        jupyter = Path(sys.executable).with_name("jupyter")
        self.proc = subprocess.Popen(
            [str(jupyter), "lab", "--no-browser", "--allow-root", f"--port={port}", "--ServerApp.ip=127.0.0.1",
             "--ServerApp.port_retries=0", f"--IdentityProvider.token={self.token}", f"--ServerApp.root_dir={ROOT}"],
            stdout=subprocess.DEVNULL, stderr=self.log, cwd=ROOT,
        )  # fmt: skip
        print(f"jupyter lab: pid {self.proc.pid}, http://127.0.0.1:{port}/lab (log {self.log.name})")
        for _ in range(240):
            if self.proc.poll() is not None:
                raise Failed(f"jupyter lab exited with {self.proc.returncode}; see {self.log.name}")
            try:
                self.api("GET", "status")
                return
            except OSError:
                time.sleep(0.5)
        raise Failed("jupyter lab did not answer within 120 s")

    def api(self, method: str, path: str, body: dict | None = None):
        req = urllib.request.Request(
            f"http://127.0.0.1:{self.port}/api/{path}",
            data=None if body is None else json.dumps(body).encode(),
            method=method,
            headers={"Authorization": f"token {self.token}", "Content-Type": "application/json"},
        )
        with urllib.request.urlopen(req, timeout=60) as r:
            text = r.read()
        return json.loads(text) if text else None

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        print(f"jupyter lab stopped (pid {self.proc.pid}, exit {self.proc.returncode})")


class Kernel:
    """One kernel's websocket channels, as a front end uses them; keeps every widget model's state."""

    def __init__(self, server: Server, kernel_id: str):
        url = f"ws://127.0.0.1:{server.port}/api/kernels/{kernel_id}/channels?token={server.token}"
        self.ws = websocket.create_connection(url, timeout=600, suppress_origin=True)
        self.session = uuid.uuid4().hex
        self.models: dict[str, dict] = {}  # comm id → widget state
        self.displayed: list[dict] = []  # display_data of the last request

    def send(self, msg_type: str, content: dict) -> str:
        msg_id = uuid.uuid4().hex
        header = {"msg_id": msg_id, "msg_type": msg_type, "username": "check", "session": self.session,
                  "date": datetime.datetime.now(datetime.UTC).isoformat(), "version": "5.3"}  # fmt: skip
        msg = {"header": header, "parent_header": {}, "metadata": {}, "content": content, "channel": "shell"}
        self.ws.send(json.dumps(msg))
        return msg_id

    def wait_idle(self, msg_id: str) -> list[dict]:
        """Every iopub message of the request until the kernel is idle again; widget state kept up to date."""
        got = []
        while True:
            msg = json.loads(self.ws.recv())
            if msg.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            kind, content = msg["header"]["msg_type"], msg["content"]
            if msg["channel"] == "iopub":
                got.append(msg)
                if kind == "comm_open" and content.get("target_name") == "jupyter.widget":
                    self.models[content["comm_id"]] = dict(content["data"]["state"])
                elif kind == "comm_msg" and content["data"].get("method") in ("update", "echo_update"):
                    self.models.setdefault(content["comm_id"], {}).update(content["data"]["state"])
                elif kind == "status" and content["execution_state"] == "idle":
                    return got

    def execute(self, code: str) -> list[dict]:
        got = self.wait_idle(self.send("execute_request", {"code": code, "silent": False, "store_history": True,
                                                           "user_expressions": {}, "allow_stdin": True,
                                                           "stop_on_error": True}))  # fmt: skip
        errors = [m["content"] for m in got if m["header"]["msg_type"] == "error"]
        if errors:
            raise Failed(f"a cell failed: {errors[0]['ename']}: {errors[0]['evalue']}")
        self.displayed = [m["content"] for m in got if m["header"]["msg_type"] in ("display_data", "execute_result")]
        return got

    def printed(self, code: str) -> str:
        got = self.execute(code)
        return "".join(m["content"]["text"] for m in got if m["header"]["msg_type"] == "stream")

    def set_state(self, comm_id: str, **state) -> float:
        """Change a widget as the front end does on a user's change; seconds until the kernel is idle again."""
        t0 = time.perf_counter()
        msg_id = self.send("comm_msg", {"comm_id": comm_id, "data": {"method": "update", "state": state,
                                                                       "buffer_paths": []}})  # fmt: skip
        self.wait_idle(msg_id)
        self.models[comm_id].update(state)
        return time.perf_counter() - t0

    def find(self, model: str, **state) -> str:
        ids = [i for i, s in self.models.items() if s.get("_model_name") == model and _has(s, state)]
        if len(ids) != 1:
            raise Failed(f"expected one {model} with {state}, found {len(ids)}")
        return ids[0]


def _has(state: dict, want: dict) -> bool:
    return all(state.get(k) == v for k, v in want.items())


def table(html: str) -> list[list]:
    """(rank, iso3) of every row of the result widget's ranking table."""
    return [[int(r), c] for r, c in ROW_ISO3.findall(html)]


def result_id(k: Kernel) -> str:
    ids = [
        i
        for i, s in k.models.items()
        if s.get("_model_name") == "HTMLModel" and "ecresearch-whatif" in str(s.get("value"))
    ]
    if len(ids) != 1:
        raise Failed(f"expected one result widget, found {len(ids)}")
    return ids[0]


def agrees(k: Kernel, what: str) -> list[list]:
    """The result widget's table equals score() of the panel's setting, computed afresh in the kernel."""
    fresh = json.loads(k.printed(FRESH).strip().splitlines()[-1])
    shown = table(k.models[result_id(k)]["value"])
    check(shown == fresh["ranking"], f"{what}: the table equals score() of the setting {fresh['setting']}")
    print(f"   kernel update {fresh['update_ms']:.0f} ms; ranking {' '.join(c for _, c in shown)}")
    return shown


def drive(server: Server, growth: int) -> None:
    nb = server.api("GET", f"contents/{NOTEBOOK}?content=1")
    cells = [c for c in nb["content"]["cells"] if c["cell_type"] == "code"]
    spec = nb["content"]["metadata"]["kernelspec"]["name"]
    check(nb["type"] == "notebook" and len(cells) > 1, f"the server opens {NOTEBOOK} ({len(cells)} code cells)")
    session = server.api("POST", "sessions", {"path": NOTEBOOK, "type": "notebook", "name": Path(NOTEBOOK).name,
                                              "kernel": {"name": spec}})  # fmt: skip
    kid = session["kernel"]["id"]
    print(f"session {session['id']}, kernel {kid} ({spec})")
    try:
        k = Kernel(server, kid)
        code = "import sys, json, ecresearch; print(json.dumps([sys.executable, ecresearch.__file__]))"
        where = json.loads(k.printed(code))
        check(
            Path(where[0]).parent == Path(sys.executable).parent and Path(where[1]).is_relative_to(ROOT / "src"),
            f"the kernel is the project's: {where[0]}, {where[1]}",
        )
        t0 = time.perf_counter()
        for cell in cells:
            k.execute("".join(cell["source"]))
        print(f"   ran {len(cells)} cells in {time.perf_counter() - t0:.1f} s")
        views = [d for d in k.displayed if WIDGET_VIEW in d.get("data", {})]
        check(len(views) == 1 and "ecresearch-whatif" not in str(k.displayed),
              "the panel cell displays one widget view and not the static result")  # fmt: skip
        box = views[0]["data"][WIDGET_VIEW]["model_id"]
        check(k.models.get(box, {}).get("_model_name") == "VBoxModel",
              f"its widget comms are open: {len(k.models)} models, the panel a VBox ({box[:8]})")  # fmt: skip
        first = agrees(k, "as opened")
        sliders = [i for i, s in k.models.items() if s.get("_model_name") == "IntSliderModel"]
        slider = min(sliders, key=lambda i: k.models[box]["children"].index(_parent(k, box, i)))  # growth: first
        start = k.models[slider]["value"]
        took = k.set_state(slider, value=growth)
        print(f"   growth slider {start} → {growth} through its comm; kernel idle after {1000 * took:.0f} ms")
        moved = agrees(k, f"growth {growth}")
        check(moved != first, "the table changed")
        toggle = k.find("ToggleButtonsModel")
        labels = k.models[toggle]["_options_labels"]
        index = 1 - k.models[toggle]["index"]
        took = k.set_state(toggle, index=index)
        print(f"   concentration reading → {labels[index]!r}; kernel idle after {1000 * took:.0f} ms")
        turned = agrees(k, f"reading {labels[index]!r}")
        check(turned != moved, "the table changed again")
        k.set_state(toggle, index=1 - index)
        k.set_state(slider, value=start)
        check(agrees(k, "back to the start") == first, "moving back gives the first table")
    finally:
        server.api("DELETE", f"sessions/{session['id']}")
        print("session and kernel shut down")


def _parent(k: Kernel, box: str, child: str) -> str:
    """The child of the panel's VBox that holds ``child`` (directly or in an HBox)."""
    for ref in k.models[box]["children"]:
        cid = ref.removeprefix("IPY_MODEL_")
        if cid == child or f"IPY_MODEL_{child}" in k.models.get(cid, {}).get("children", []):
            return ref
    raise Failed(f"widget {child[:8]} is not in the panel")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--port", type=int, default=8899)
    ap.add_argument("--growth", type=int, default=80, help="the growth slider's new value (0-100)")
    args = ap.parse_args()
    server = Server(args.port)
    try:
        drive(server, args.growth)
    except Failed as exc:
        print(f"FAILED: {exc}", file=sys.stderr)
        return 1
    finally:
        server.stop()
    print("every check holds")
    return 0


if __name__ == "__main__":
    sys.exit(main())
