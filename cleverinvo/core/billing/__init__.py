"""Invoices: writing them, their totals and numbers, their stored PDFs, what is owed."""
