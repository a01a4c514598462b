"""ecresearch: cross-border e-commerce market research built from a JETRO seminar deck."""
