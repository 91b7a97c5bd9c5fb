"""E-invoices by EN 16931: the semantic model, its CII (Factur-X) and UBL (Peppol BIS 3.0) syntaxes, Factur-X PDFs."""
