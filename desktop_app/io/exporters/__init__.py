"""Spreadsheet exporters (openpyxl .xlsx and UTF-8 CSV); no Qt."""
