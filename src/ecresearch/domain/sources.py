"""Source grades: how far an external figure can be cited (the raw check, the schema and the scoring agree)."""

from __future__ import annotations

GRADES = {
    "A": "the publisher",
    "B": "a reputable secondary source naming the edition",
    "C": "weak: kept in the processed table for the record, never scored or cited",
}
WEAK = "C"
