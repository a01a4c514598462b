"""Issue 21 item 7: the command line's options (global ones after the subcommand, short forms, --jobs checked,
--json of `steps` and `build --dry-run`), the progress lines, and the completion script."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import sys

import pytest

from ecresearch import cli, completion
from ecresearch.progress import Progress, Stages

from .conftest import REPO, new_project, run_cli


def parse(*argv: str):
    return cli.parser().parse_args(list(argv))


def test_global_options_are_accepted_after_the_subcommand_and_before_it():
    after = parse("countries", "--debug", "--root", "/x")
    before = parse("--debug", "--root", "/x", "countries")
    assert (after.debug, after.root) == (before.debug, before.root) == (True, "/x")
    plain = parse("countries")
    assert (plain.debug, plain.root) == (False, None)
    # nested subcommands too, and a value given before the subcommand is not reset by the subcommand's default
    nested = parse("--root", "/y", "scenarios", "compare", "a", "b", "--debug")
    assert (nested.debug, nested.root, nested.a, nested.b) == (True, "/y", "a", "b")


def test_short_options_mean_the_long_ones():
    short = parse("build", "-f", "-q", "-n", "-j", "3", "-s", "demo")
    long = parse("build", "--force", "--quiet", "--dry-run", "--jobs", "3", "--scenario", "demo")
    assert vars(short) == vars(long)
    r = parse("report", "IDN", "-l", "en", "-s", "demo", "-f", "-q", "-j", "2")
    assert (r.lang, r.scenario, r.force, r.quiet, r.jobs) == ("en", "demo", True, True, 2)


@pytest.mark.parametrize("value", ["0", "-1", "two", "1.5"])
def test_jobs_must_be_a_positive_whole_number(value, capsys):
    with pytest.raises(SystemExit) as exc:
        parse("build", "--jobs", value)
    err = capsys.readouterr().err
    assert exc.value.code == 2 and len(err.splitlines()) == 1, err
    assert err.startswith("ecresearch: error: build: argument -j/--jobs: ") and value in err


def test_a_bad_option_is_one_line_too(capsys):
    with pytest.raises(SystemExit) as exc:
        parse("countries", "--no-such-option")
    err = capsys.readouterr().err
    assert exc.value.code == 2 and len(err.splitlines()) == 1 and "--no-such-option" in err


def test_the_description_names_every_command():
    p = cli.parser()
    names = {path[0] for path, _ in completion.commands(p) if path}
    text = p.description + " " + (cli.__doc__ or "")
    missing = [n for n in names if n not in text]
    assert not missing, missing


def test_steps_json_lists_the_steps_of_the_plain_listing():
    plain = run_cli(REPO, "steps")
    r = run_cli(REPO, "steps", "--json")
    assert r.returncode == 0 and plain.returncode == 0, r.stderr
    steps = json.loads(r.stdout)
    assert [s["name"] for s in steps] == [line.split("  (after")[0] for line in plain.stdout.splitlines()]
    named = {s["name"] for s in steps}
    assert all(set(s["after"]) <= named for s in steps)
    assert all(isinstance(s["outputs"], list) and s["outputs"] for s in steps)


def test_dry_run_json_is_the_plan(tmp_path):
    root = new_project(tmp_path / "repo")
    plain = run_cli(root, "build", "-n")
    r = run_cli(root, "build", "--dry-run", "--json")
    assert r.returncode == 0 and plain.returncode == 0, r.stderr
    plan = json.loads(r.stdout)
    assert [f"{p['name']}: {p['status']}" for p in plan] == plain.stdout.splitlines()
    assert all(p["status"].startswith("would run") for p in plan)  # nothing is built in a new project
    only = json.loads(run_cli(root, "build", "-n", "--json", "--only", "charts").stdout)
    assert [p["name"] for p in only] == ["charts"]
    assert not (root / "data" / "processed").exists()
    bad = run_cli(root, "build", "--json")
    assert bad.returncode == 1 and bad.stderr.startswith("ecresearch: error: --json: only with --dry-run")


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_the_bar_keeps_each_step_line_on_a_terminal(monkeypatch):
    err = _Tty()
    monkeypatch.setattr(sys, "stderr", err)
    p = Progress(2, quiet=False)
    assert p.bar is not None
    p.started("clean")
    p.finished("clean", "ran", 1.25)
    p.finished("charts", "up to date", 0.0)
    p.close()
    text = err.getvalue()
    assert "[1/2] clean: done (1.2s)" in text  # written above the bar: the bar's clearing does not erase it
    assert "charts: done" not in text


def test_progress_off_a_terminal_and_quiet(monkeypatch):
    err = io.StringIO()
    monkeypatch.setattr(sys, "stderr", err)
    p = Progress(1, quiet=False)
    p.started("clean")
    p.finished("clean", "ran", 2.0)
    p.close()
    assert err.getvalue().splitlines() == ["  clean ...", "[1/1] clean: done (2.0s)"]
    q = Progress(1, quiet=True)
    q.started("clean")
    q.finished("clean", "ran", 2.0)
    assert err.getvalue().count("\n") == 2


def test_stages_print_one_line_each_and_nothing_when_quiet(monkeypatch):
    err = io.StringIO()
    monkeypatch.setattr(sys, "stderr", err)
    s = Stages(3, quiet=False, prog="ecresearch report")
    for what in ("checking", "the report", "the index"):
        s.stage(what)
    s.close()
    lines = err.getvalue().splitlines()
    assert lines == [
        f"ecresearch report: [{i}/3] {w} ..." for i, w in enumerate(("checking", "the report", "the index"), 1)
    ]
    quiet = Stages(3, quiet=True)
    quiet.stage("checking")
    quiet.close()
    assert err.getvalue().splitlines() == lines
    tty = _Tty()
    monkeypatch.setattr(sys, "stderr", tty)
    bar = Stages(2, quiet=False, prog="ecresearch report")
    bar.stage("checking")
    bar.stage("the report")
    bar.close()
    assert "ecresearch report: checking: done" in tty.getvalue() and "the report: done" in tty.getvalue()


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
def test_bash_completion_completes_commands_options_and_choices(tmp_path):
    r = run_cli(tmp_path, "completion", "bash")  # no project needed
    assert r.returncode == 0, r.stderr
    script = tmp_path / "c.sh"
    script.write_text(r.stdout)
    probe = (
        f'source {script}; t(){{ COMP_WORDS=("$@"); COMP_CWORD=$(($#-1)); COMPREPLY=(); _ecresearch_complete; '
        'echo "${COMPREPLY[*]}"; }; t ecresearch scen; t ecresearch scenarios com; t ecresearch build --direction g; '
        "t ecresearch report IDN --debug -l e; t ecresearch export --for"
    )
    (tmp_path / "reports" / "scenarios" / "growth-first").mkdir(parents=True)
    probe += "; t ecresearch scenarios compare main g; t ecresearch report IDN -s g; t ecresearch scenarios show m"
    out = subprocess.run(["bash", "-c", probe], capture_output=True, text=True, check=True, cwd=tmp_path)
    assert out.stdout.splitlines() == [
        "scenarios", "compare", "gatekeeper", "en", "--format", "growth-first", "growth-first", "main"
    ]  # fmt: skip
    zsh = run_cli(tmp_path, "completion", "zsh")
    assert zsh.returncode == 0 and "bashcompinit" in zsh.stdout and "complete -o filenames" in zsh.stdout


def test_completion_knows_every_option_of_every_command():
    script = completion.bash_script(cli.parser())
    for path, p in completion.commands(cli.parser()):
        for action in p._actions:
            for opt in action.option_strings:
                assert opt in script, (path, opt)
