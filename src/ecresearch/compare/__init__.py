"""A shortlist side by side (`ecresearch compare PHL IDN VNM`): one content model built from what each country
report shows (content.py), written as an HTML page, an XLSX workbook and a PPTX deck (page.py, workbook.py,
deck.py), all published together (write.py)."""
