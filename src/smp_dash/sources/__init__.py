"""Readers for real formats: police.uk street-level CSVs and partner CSV templates."""
