"""The country report's content: what each page shows, read from the published datasets."""
