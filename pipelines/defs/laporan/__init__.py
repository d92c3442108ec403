"""The LAKIP exports: workbook, charts, paragraphs, from templates."""
