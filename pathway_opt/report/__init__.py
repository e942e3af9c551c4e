"""The committee report: one self-contained HTML file to read, print and trust."""
