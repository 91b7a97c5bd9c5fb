"""Languages and regions: which languages documents are written in, country codes and their names, and numbers
typed by a person read as their language writes them (CLDR through Babel)."""
