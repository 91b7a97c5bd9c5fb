"""Languages and regions (CLDR through Babel) for everything a person reads.

- ``locales``: ``document_locale(language, country)`` gives a ``DocumentLocale``: a document's labels (gettext) and
  its money, unit prices, quantities, rates, dates, country names and addresses as that language writes them.
- ``catalogs``: the gettext catalogs shipped in ``locale/`` (how to add a label is said there), and ``N_``.
- ``addresses``: postal lines in the order of the destination country.
- ``regions``: which languages documents are written in, country codes and their names.
- ``numbers``: numbers typed by a person read as their language writes them.
"""
