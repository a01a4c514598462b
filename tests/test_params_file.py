"""The defaults have one meaning: the committed params.toml states exactly the dataclass defaults, and every
parameter the dataclass has is written (and explained) in the file."""

from __future__ import annotations

import tomllib
from dataclasses import fields

from ecresearch import paths
from ecresearch.params import Params, load_file, validate


def test_params_file_states_the_defaults():
    assert load_file(paths.PARAMS_FILE).digest() == validate(Params()).digest()


def test_params_file_names_every_parameter():
    written = set(tomllib.loads(paths.PARAMS_FILE.read_text(encoding="utf-8"))["scoring"])
    assert written | {"pins"} == {f.name for f in fields(Params)}
