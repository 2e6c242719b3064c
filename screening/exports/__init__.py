"""Submissions leaving the app: CSV rows for a spreadsheet, FHIR R4 for a health record."""
