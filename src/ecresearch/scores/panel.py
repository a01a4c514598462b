"""The what-if panel of notebook 03 (ipywidgets): sliders for the pillar weights, the reading of concentration,
the HHI point and the missing-value limit; each change reranks (``whatif``) and redraws the ranking, its rank
bands and what holds in place. A button prints the ``ecresearch build … --scenario NAME`` command of the
setting, another runs it.

Without a widget front end (papermill, nbclient, nbval, the exported page) ``show`` displays the static result
of the build's own parameters instead, so the stored outputs and the page stay byte-identical. A front end is
recognised by the request that runs the cell: JupyterLab, Notebook and VS Code send ``allow_stdin`` true, the
executors (nbclient, hence papermill and the build; nbval) send false. ``ECRESEARCH_PANEL=live|static``
overrides that. ipywidgets is imported only when the panel is live."""

from __future__ import annotations

import html as _h
import importlib.util
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import polars as pl

from ecresearch import datasets, paths
from ecresearch.domain.labels import label, section
from ecresearch.errors import ParameterError
from ecresearch.params import DIRECTIONS, HHI_POINTS, PILLARS, Params, from_mapping, load_file
from ecresearch.scores import whatif

ENV = "ECRESEARCH_PANEL"
MODES = ("live", "static")


def widgets_installed() -> bool:
    return importlib.util.find_spec("ipywidgets") is not None


def has_frontend(shell=None) -> bool:
    """Whether a front end that renders widgets sent the cell being run (see the module's note), and
    ipywidgets is installed."""
    forced = os.environ.get(ENV, "").strip()
    if forced and forced not in MODES:
        raise ParameterError(f"environment variable {ENV}: must be one of {list(MODES)}, got {forced!r}")
    asked = forced == "live" if forced else _interactive_request(shell)
    return asked and widgets_installed()


def _interactive_request(shell) -> bool:
    if shell is None:
        from IPython import get_ipython

        shell = get_ipython()
    get_parent = getattr(getattr(shell, "kernel", None), "get_parent", None)
    if get_parent is None:  # a terminal IPython, or no IPython at all
        return False
    try:
        parent = get_parent("shell") or {}
    except Exception:  # noqa: BLE001 - a kernel without the ipykernel 6 API: no front end we know
        return False
    return (parent.get("content") or {}).get("allow_stdin") is True


@dataclass(frozen=True)
class Published:
    """What one output set's scores step published, as the panel shows it before any change."""

    scores: pl.DataFrame  # country_scores
    pairs: pl.DataFrame  # scoring_robust_pairs
    meta: dict  # scoring_params: the parameters and their description
    label: str  # "main build" or "scenario NAME", in the page's language

    @property
    def ranks(self) -> dict[str, int]:
        return dict(self.scores.filter(pl.col("ranked")).select("iso3", "rank").rows())


def published(scenario: str | None = None, lang: str = "en") -> Published:
    out = paths.output_set(scenario)
    meta = datasets.read_json("scoring_params", out)
    if not isinstance(meta.get("params"), dict) or not isinstance(meta.get("describe"), str):
        raise datasets.DatasetError(f"{paths.rel(out.params_json)}: no 'params' table; {datasets.rebuild_hint(out)}")
    where = label("stamp.main_build", lang) if scenario is None else label("stamp.scenario", lang, scenario=scenario)
    return Published(datasets.read("country_scores", out), datasets.read("scoring_robust_pairs", out), meta, where)


def static_html(pub: Published, lang: str = "en") -> str:
    """The published result (read, not recomputed), with a note that trying other settings needs a front end."""
    v = whatif.published_view(pub.scores, pub.pairs, pub.meta, lang, pub.label)
    return whatif.html(v, lang, note=label("panel.static_note", lang, label=pub.label))


@dataclass(frozen=True)
class Context:
    """What the live panel works from: the prepared inputs under the output set's parameters, its published
    ranks and what to call it."""

    prep: whatif.Prepared
    file_ranks: dict[str, int]
    file_label: str
    file_params: Params  # params.toml: the command states only what differs from it beyond the panel
    lang: str


def load(scenario: str | None = None, lang: str = "en") -> Context:
    """The output set's parameters (as its scores step published them), its ranks, and the prepared inputs."""
    pub = published(scenario, lang)
    base = from_mapping(pub.meta["params"], where=paths.rel(paths.output_set(scenario).params_json))
    prep = whatif.prepare(datasets.read("deck_figures"), datasets.read("external_figures"), base)
    return Context(prep, pub.ranks, pub.label, load_file(paths.PARAMS_FILE), lang)


def run_build(args: list[str]) -> tuple[int, str]:
    """Run ``ecresearch <args>`` in the project root; its exit code and last line of output."""
    r = subprocess.run(
        [sys.executable, "-m", "ecresearch.cli", *args], cwd=paths.ROOT, capture_output=True, text=True, check=False
    )
    lines = (r.stdout + r.stderr).strip().splitlines()
    return r.returncode, lines[-1] if lines else ""


class Panel:
    """The widgets and their callbacks (driven by tests without a front end: set a control's value, or call
    ``show_command`` / ``build``)."""

    def __init__(self, ctx: Context, run: Callable[[list[str]], tuple[int, str]] = run_build):
        import ipywidgets as W

        self.ctx, self._run = ctx, run
        self.thread: threading.Thread | None = None
        lang, t = ctx.lang, section("panel", ctx.lang)
        s = whatif.setting_of(ctx.prep.base)
        wide = {"description_width": "initial"}
        self.weights = {
            p: W.IntSlider(
                value=v,
                min=0,
                max=whatif.WEIGHT_STEPS,
                description=label(f"panel.weight.{p}", lang),
                continuous_update=False,
                style=wide,
            )
            for p, v in zip(PILLARS, s.weights, strict=True)
        }
        self.direction = W.ToggleButtons(
            options=[(label(f"chart_scores.{d}", lang), d) for d in DIRECTIONS],
            value=s.direction,
            description=t["direction"],
            style=wide,
        )
        self.hhi_point = W.Dropdown(
            options=[(label(f"panel.hhi.{h}", lang), h) for h in HHI_POINTS],
            value=s.hhi_point,
            description=t["hhi_point"],
            style=wide,
        )
        self.max_missing = W.FloatSlider(
            value=s.max_missing,
            min=0.0,
            max=0.99,
            step=0.01,
            readout_format=".0%",
            description=t["max_missing"],
            continuous_update=False,
            style=wide,
        )
        self.scenario = W.Text(description=t["scenario"], style=wide)
        auto = W.Layout(width="auto")
        self.command_button = W.Button(description=t["command"], icon="terminal", layout=auto)
        self.build_button = W.Button(description=t["run"], icon="play", layout=auto)
        self.command: str | None = None  # the last command printed
        self.update_seconds = 0.0  # how long the last update took in the kernel (rerank and HTML)
        self.status = W.HTML()
        self.result = W.HTML()
        self.log = W.Output()
        for w in (*self.weights.values(), self.direction, self.hhi_point, self.max_missing):
            w.observe(self.update, names="value")
        self.command_button.on_click(self.show_command)
        self.build_button.on_click(self.build)
        title, help_w, help_m = t["title"], t["weights_help"], t["max_missing_help"]
        help_ = f"<small>{_h.escape(help_w)}; {_h.escape(help_m)}</small>"
        self.widget = W.VBox(
            [
                W.HTML(f"<h3>{_h.escape(title)}</h3>{help_}"),
                W.HBox(list(self.weights.values())[:2]),
                W.HBox(list(self.weights.values())[2:]),
                W.HBox([self.direction, self.hhi_point]),
                self.max_missing,
                W.HBox([self.scenario, self.command_button, self.build_button]),
                self.status,
                self.log,
                self.result,
            ]
        )
        self.view = self.update()

    def setting(self) -> whatif.Setting:
        return whatif.Setting(
            tuple(int(self.weights[p].value) for p in PILLARS),
            self.direction.value,
            self.hhi_point.value,
            round(float(self.max_missing.value), 2),
        )

    def update(self, change=None) -> whatif.View:
        """Rerank under the controls' setting and redraw the result in place."""
        c, t0 = self.ctx, time.perf_counter()
        self.view = whatif.view_setting(c.prep, self.setting(), c.file_ranks, c.lang, c.file_label)
        self.result.value = whatif.html(self.view, c.lang)
        self.scenario.placeholder = whatif.default_scenario(self.view.params) if self.view.params else ""
        self.update_seconds = time.perf_counter() - t0
        return self.view

    def args(self) -> list[str] | None:
        """The build's arguments for the current setting, or None (and the reason shown) when it has none."""
        if self.view.ranking is None or self.view.params is None:
            self.status.value = _h.escape(self.view.holds[0])
            return None
        name = self.scenario.value.strip() or whatif.default_scenario(self.view.params)
        try:
            paths.output_set(name)  # the CLI's check of a scenario name
        except ParameterError as exc:
            self.status.value = _h.escape(str(exc))
            return None
        self.status.value = ""
        return whatif.command_args(self.setting(), name, self.ctx.prep.base, self.ctx.file_params)

    def show_command(self, _button=None) -> str | None:
        """Print the scenario command of the current setting (under the buttons, where it can be copied)."""
        args = self.args()
        if args is None:
            return None
        self.command = whatif.command(args)
        self.log.outputs = ()  # one command shown at a time
        with self.log:
            print(self.command)
        return self.command

    def build(self, _button=None) -> threading.Thread | None:
        """Run the scenario command in the background; the status line says when it has finished."""
        text, args = self.show_command(), self.args()
        if text is None or args is None:
            return None
        lang = self.ctx.lang

        def work() -> None:
            self.build_button.disabled = True
            try:
                code, last = self._run(args)
                self.status.value = _h.escape(label("panel.finished", lang, code=code, last=last))
            finally:
                self.build_button.disabled = False

        self.status.value = _h.escape(label("panel.running", lang, command=text))
        self.thread = threading.Thread(target=work, name="ecresearch-panel-build", daemon=True)
        self.thread.start()
        return self.thread


def show(scenario: str | None = None, lang: str = "en", *, live: bool | None = None) -> Panel | None:
    """The panel when a widget front end runs the cell, else the result the build published."""
    from IPython.display import HTML, display

    if live is None:
        live = has_frontend()
    if not live:
        display(HTML(static_html(published(scenario, lang), lang)))
        return None
    panel = Panel(load(scenario, lang))
    display(panel.widget)
    return panel
