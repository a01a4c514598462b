"""The project's vocabulary, in one place: units with their plausible ranges, and how periods and editions
name their years. Every reader, table schema and chart takes it from here, so the lists cannot disagree."""
