"""Input workbooks: layout, cell rules, sheets, reading, writing, the template."""
