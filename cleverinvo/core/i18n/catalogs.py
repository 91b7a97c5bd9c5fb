"""The document labels in each language: gettext catalogs shipped in the package.

The sources are ``locale/<language>/LC_MESSAGES/cleverinvo.po`` beside this file, with the template
``locale/cleverinvo.pot``; the compiled ``.mo`` files are shipped too (a test fails when one is older than its
``.po``). English is the source language: its labels are the message ids themselves. After changing a label:

    pybabel extract -k N_ -o cleverinvo/core/i18n/locale/cleverinvo.pot cleverinvo
    pybabel update -D cleverinvo -i cleverinvo/core/i18n/locale/cleverinvo.pot -d cleverinvo/core/i18n/locale
    (translate the new entries)
    pybabel compile -D cleverinvo -d cleverinvo/core/i18n/locale
"""

import gettext
from functools import cache
from pathlib import Path

from cleverinvo.core.records import Language

DOMAIN = "cleverinvo"
LOCALE_DIR = Path(__file__).parent / "locale"
SOURCE_LANGUAGE = "en"
LANGUAGES = tuple(code.value for code in Language)


def N_(message: str) -> str:
    """Marks ``message`` as a label to translate later, where it is defined rather than where it is shown."""
    return message


@cache
def translations(language: str) -> gettext.NullTranslations:
    """The catalog of ``language`` (one of ``LANGUAGES``); English, the source language, translates to itself."""
    if language not in LANGUAGES:
        raise ValueError(f"No document language {language!r}; known: {', '.join(LANGUAGES)}")
    if language == SOURCE_LANGUAGE:
        return gettext.NullTranslations()
    return gettext.translation(DOMAIN, LOCALE_DIR, languages=[language])
