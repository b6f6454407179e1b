"""Spreadsheet columns, reading, header detection, the import pipeline and export."""
