"""The parameters line of the scoring pages in each language."""

from ecresearch.params import Params, validate
from ecresearch.report.describe import describe


def test_the_english_line_names_every_choice():
    p = validate(Params(vary_methods=True, hhi_point="lower", pins={"sns_time": "Digital 2024"}))
    text = describe(p.to_dict(), "en")
    for part in ("growth 33%", "minmax, arithmetic, concentration as channel", "HHI at its lower bound",
                 "imputed pillars weigh > 50%", "10000 draws, weights ±25%, methods varied", "seed 20230201",
                 "pins sns_time = Digital 2024"):  # fmt: skip
        assert part in text, part


def test_the_japanese_line_has_no_english_words():
    text = describe(validate(Params(concentration_direction="gatekeeper")).to_dict(), "ja")
    for word in ("weights", "minmax", "arithmetic", "gatekeeper", "midpoint", "draws", "seed"):
        assert word not in text
    assert "ゲートキーパー" in text and "10000" in text
