"""The defaults have one meaning: the committed params.toml states exactly the dataclass defaults, and every
parameter the dataclass has is written (and explained) in the file."""

from __future__ import annotations

import tomllib
from dataclasses import fields

import pytest

from ecresearch import paths
from ecresearch.errors import ParameterError
from ecresearch.params import Params, load_file, parse_weights, validate


def test_params_file_states_the_defaults():
    assert load_file(paths.PARAMS_FILE).digest() == validate(Params()).digest()


def test_params_file_names_every_parameter():
    written = set(tomllib.loads(paths.PARAMS_FILE.read_text(encoding="utf-8"))["scoring"])
    assert written | {"pins"} == {f.name for f in fields(Params)}


BAD_FILES = {
    "seed = -1": "'seed' must be an integer in 0..2**63-1",
    "candidates = 5": "'candidates' must be a list",
    'candidates = "CHN"': "'candidates' must be a list",
    "weights = { growth = 1e308, sns = 1e308, concentration = 1e308 }": "sum overflows",
    "draws = 0": "'draws' must be an integer",
    "colour = 1": "unknown parameter(s) ['colour']",
    "pins = 3": "'scoring.pins' must be a table",
}


@pytest.mark.parametrize("line", sorted(BAD_FILES))
def test_bad_params_file_is_one_line_naming_file_and_key(tmp_path, line):
    f = tmp_path / "params.toml"
    f.write_text(f"[scoring]\n{line}\n", encoding="utf-8")
    with pytest.raises(ParameterError) as err:
        load_file(f)
    msg = str(err.value)
    assert "\n" not in msg and msg.startswith("params.toml") and BAD_FILES[line] in msg


def test_params_file_that_is_no_table_or_no_file(tmp_path):
    f = tmp_path / "params.toml"
    f.write_text("scoring = 1\n", encoding="utf-8")
    with pytest.raises(ParameterError, match=r"^params.toml: 'scoring' must be a table"):
        load_file(f)
    f.unlink()
    f.mkdir()
    with pytest.raises(ParameterError, match=r"^params.toml: not a file$"):
        load_file(f)


def test_empty_weights_are_refused():
    for text in ("", " ", ", ,"):
        with pytest.raises(ParameterError, match="parameter 'weights'"):
            parse_weights(text)


def test_pins_must_name_an_existing_topic_and_edition():
    from ecresearch import datasets
    from ecresearch.scores.indicators import apply_pins

    external = datasets.read("external_figures")
    assert apply_pins(external, {"sns_time": "Digital 2024"}).height < external.height
    with pytest.raises(ParameterError, match=r"sns_time = 'Digital 2099' is not an edition"):
        apply_pins(external, {"sns_time": "Digital 2099"})
    with pytest.raises(ParameterError, match=r"no snapshot has the topic 'no_such_topic'"):
        apply_pins(external, {"no_such_topic": "Digital 2024"})


@pytest.mark.parametrize("name", ["abc\n", "abc\ndef", "ABC", "", "a/b", "-x"])
def test_scenario_names_are_matched_whole(name):
    with pytest.raises(ParameterError, match="parameter 'scenario'"):
        paths.output_set(name)


def test_markdown_from_data_is_escaped_and_links_only_http():
    from ecresearch.textsafe import md_escape, md_link

    assert md_escape("<img src=x onerror=alert(1)>") == "&lt;img src=x onerror=alert\\(1\\)&gt;"
    assert md_link("javascript:alert(1)") == "javascript:alert\\(1\\)"
    assert md_link("https://example.org/a") == "<https://example.org/a>"
    assert md_link(None) == "no URL"
