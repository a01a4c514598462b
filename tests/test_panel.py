"""The what-if panel: its callbacks driven without a front end (the table checked against score()), the static
result where no front end runs the cell, and how a front end is recognised (in real kernels too)."""

from __future__ import annotations

import os
import subprocess
import sys
from types import SimpleNamespace

import polars as pl
import pytest

from ecresearch import cli, datasets, paths
from ecresearch.domain.labels import label
from ecresearch.errors import ParameterError
from ecresearch.scores import panel, whatif
from ecresearch.scores.model import score


@pytest.fixture(scope="module")
def widgets():
    """The live panel needs ipywidgets (in the lock); the static result and the detection do not."""
    return pytest.importorskip("ipywidgets")


@pytest.fixture(scope="module")
def ctx():
    return panel.load(None, "en")


@pytest.fixture()
def p(ctx, widgets):
    return panel.Panel(ctx, run=lambda args: (0, "done"))


def expected(ctx, params) -> pl.DataFrame:
    ref = score(datasets.read("deck_figures"), datasets.read("external_figures"), params)
    ranked = ref.scores.filter(pl.col("rank").is_not_null())  # the panel names unranked markets apart
    return ranked.select("iso3", "rank", "score", "median_rank", "rank_p05", "rank_p95", "p_top3", "p_rank1")


def shown(p) -> pl.DataFrame:
    return p.view.ranking.select("iso3", "rank", "score", "median_rank", "rank_p05", "rank_p95", "p_top3", "p_rank1")


def test_the_panel_opens_on_the_builds_parameters_and_its_published_ranks(ctx, p):
    assert p.view.params == ctx.prep.base
    published = datasets.read("country_scores").filter(pl.col("ranked"))
    assert dict(p.view.ranking.select("iso3", "rank").rows()) == dict(published.select("iso3", "rank").rows())
    assert p.view.holds[3] == label("panel.holds_same", "en", label=ctx.file_label)
    assert p.view.describe == datasets.read_json("scoring_params")["describe"]


@pytest.mark.parametrize(
    "change",
    [
        {"growth": 100},
        {"direction": "gatekeeper"},
        {"hhi_point": "upper", "sns": 0},
        {"max_missing": 0.0},
        {"size": 40, "max_missing": 0.6},
    ],
    ids=str,
)
def test_each_change_reranks_as_score_does(ctx, p, change):
    for key, value in change.items():
        widget = p.weights.get(key) or getattr(p, key)
        widget.value = value  # the observer runs the update, as a front end's change would
    assert p.view.params == whatif.params_of(ctx.prep.base, p.setting())
    assert shown(p).equals(expected(ctx, p.view.params))
    for name in p.view.ranking["name"]:
        assert name in p.result.value  # redrawn


def test_zero_weights_show_why_and_give_no_command(p):
    for w in p.weights.values():
        w.value = 0
    assert p.view.ranking is None and p.view.holds == [label("panel.no_weight", "en")]
    assert label("panel.no_weight", "en") in p.result.value
    assert p.show_command() is None
    assert p.status.value == label("panel.no_weight", "en")


def test_the_command_button_prints_the_command_that_rebuilds_the_view(p, capsys):
    p.weights["growth"].value = 60
    p.direction.value = "gatekeeper"
    p.scenario.value = "growth-first"
    p.command_button.click()
    printed = capsys.readouterr().out.strip()
    assert printed.startswith("ecresearch build --weights 60,33,33 --direction gatekeeper")
    assert printed == p.command
    ns = cli.parser().parse_args(printed.split()[1:])
    params, out = cli.resolve_params(ns)
    assert params == p.view.params and out.scenario == "growth-first"


def test_a_bad_scenario_name_names_the_parameter(p):
    p.scenario.value = "Not A Name"
    assert p.show_command() is None
    assert "parameter &#x27;scenario&#x27;" in p.status.value


def test_the_build_button_runs_the_command_in_the_background(ctx, widgets):
    calls = []
    p = panel.Panel(ctx, run=lambda args: calls.append(args) or (0, "ecresearch build: 12 of 40 steps ran"))
    p.weights["sns"].value = 10
    thread = p.build()
    thread.join(timeout=10)
    assert calls == [whatif.command_args(p.setting(), p.scenario.placeholder, ctx.prep.base, ctx.file_params)]
    assert p.status.value == label("panel.finished", "en", code=0, last="ecresearch build: 12 of 40 steps ran")
    assert not p.build_button.disabled


def test_static_result_is_the_published_ranking():
    html = panel.static_html(panel.published(None, "en"), "en")
    published = datasets.read("country_scores").filter(pl.col("ranked")).sort("rank")
    rows = [f"<tr><td>{r['rank']}</td><td>{r['name_en']} ({r['iso3']})</td>" for r in published.iter_rows(named=True)]
    assert all(row in html for row in rows)
    assert label("panel.static_note", "en", label="main build").replace("'", "&#x27;") in html
    assert html == panel.static_html(panel.published(None, "en"), "en")  # same bytes every run: nbval, the page


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_the_published_result_is_what_the_panel_computes_before_any_change(ctx, lang):
    """Read (static) and recomputed (live) agree to the last printed digit: table, bands and what holds."""
    pub = panel.published(None, lang)
    read = whatif.published_view(pub.scores, pub.pairs, pub.meta, lang, pub.label)
    computed = whatif.view(ctx.prep, ctx.prep.base, pub.ranks, lang, pub.label)
    assert whatif.html(read, lang) == whatif.html(computed, lang)


def test_show_without_a_front_end_displays_only_html(monkeypatch):
    shown_ = []
    monkeypatch.setattr("IPython.display.display", lambda obj: shown_.append(obj))
    monkeypatch.delenv(panel.ENV, raising=False)
    monkeypatch.setattr(panel, "load", lambda *a: pytest.fail("the static result recomputes nothing"))
    assert panel.show(None, "en") is None  # no kernel here: no front end
    assert len(shown_) == 1 and shown_[0].data == panel.static_html(panel.published(None, "en"), "en")


def kernel(allow_stdin: bool):
    return SimpleNamespace(kernel=SimpleNamespace(get_parent=lambda ch: {"content": {"allow_stdin": allow_stdin}}))


def test_front_end_detection(monkeypatch):
    monkeypatch.delenv(panel.ENV, raising=False)
    monkeypatch.setattr(panel, "widgets_installed", lambda: True)
    assert panel.has_frontend(kernel(True)) is True
    assert panel.has_frontend(kernel(False)) is False
    assert panel.has_frontend(SimpleNamespace()) is False  # terminal IPython: no kernel
    assert panel.has_frontend(SimpleNamespace(kernel=SimpleNamespace(get_parent=lambda ch: {}))) is False
    monkeypatch.setenv(panel.ENV, "static")
    assert panel.has_frontend(kernel(True)) is False
    monkeypatch.setenv(panel.ENV, "live")
    assert panel.has_frontend(kernel(False)) is True
    monkeypatch.setattr(panel, "widgets_installed", lambda: False)
    assert panel.has_frontend(kernel(True)) is False
    monkeypatch.setenv(panel.ENV, "yes")
    with pytest.raises(ParameterError, match="ECRESEARCH_PANEL"):
        panel.has_frontend(kernel(True))


def test_real_kernels_tell_a_front_end_from_an_executor(monkeypatch, widgets):
    """A kernel asked as JupyterLab asks (allow_stdin) and as nbclient/nbval ask (no stdin)."""
    from jupyter_client.manager import start_new_kernel

    monkeypatch.delenv(panel.ENV, raising=False)
    km, kc = start_new_kernel(kernel_name="python3", cwd=str(paths.ROOT))
    try:
        code = "from ecresearch.scores.panel import has_frontend; print(has_frontend())"
        seen = {}
        for allow in (True, False):
            out = []
            kc.execute_interactive(
                code,
                allow_stdin=allow,
                timeout=60,
                output_hook=lambda m, out=out: out.append(m["content"].get("text", "")),
            )
            seen[allow] = "".join(out).strip()
        assert seen == {True: "True", False: "False"}
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


def test_the_package_imports_and_shows_the_static_result_without_ipywidgets():
    code = (
        "import sys; sys.modules['ipywidgets'] = None\n"
        "from ecresearch.scores import panel\n"
        "assert panel.has_frontend() is False\n"
        "panel.show(None)\n"
        "print('ok')"
    )
    env = {**os.environ, panel.ENV: "live"}
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=paths.ROOT)
    assert r.returncode == 0, r.stderr[-2000:]
    assert r.stdout.strip().endswith("ok") and "HTML" in r.stdout


def test_run_build_runs_the_cli_in_the_project_and_returns_its_last_line():
    code, last = panel.run_build(["build", "--dry-run", "--max-missing", "0.5", "--scenario", "panel-check"])
    assert code == 0 and last.startswith("index@panel-check: ")
    code, last = panel.run_build(["build", "--dry-run", "--max-missing", "1.5"])
    assert code != 0 and "max_missing_weight" in last


def test_the_published_view_leaves_out_pairs_with_an_unranked_market():
    """A market the scores leave unranked can still be ranked in some draws (its robust pairs name it): what
    holds names ranked pairs only, as the live view does, instead of failing on the unranked name."""
    pub = panel.published(None, "en")
    unranked = pub.scores.filter(~pl.col("ranked"))["iso3"].to_list()
    ranked = pub.scores.filter(pl.col("ranked"))["iso3"].to_list()
    assert unranked and ranked
    pairs = pl.concat([pub.pairs, pl.DataFrame({"a": [ranked[0]], "b": [unranked[0]], "p_a_above_b": [0.5]})])
    view = whatif.published_view(pub.scores, pairs, pub.meta, "en", pub.label)
    assert view.holds == whatif.published_view(pub.scores, pub.pairs, pub.meta, "en", pub.label).holds
