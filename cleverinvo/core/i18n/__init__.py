"""Languages and regions: which languages documents are written in, country codes and their names (CLDR)."""
