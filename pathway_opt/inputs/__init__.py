"""Instances in: JSON, workbooks, generated instances; instance files out."""
