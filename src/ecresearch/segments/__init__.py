"""Segments by product category: the closed list of categories, the programmes' categories extracted from the
deck, and per market and category the demand evidence, rules, programme eligibility and platforms."""
