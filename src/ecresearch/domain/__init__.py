"""The project's vocabulary, in one place: units with their plausible ranges, how periods and editions name
their years, and the label catalogue of every generated word. Every reader, table schema, chart and page takes
it from here, so the lists cannot disagree."""
