"""Plans out: JSON, CSV, workbook, terminal text, tables."""
