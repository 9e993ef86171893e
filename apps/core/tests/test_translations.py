"""English is available for every interface string: the catalogue has no untranslated or fuzzy entry, keeps every
placeholder, and the compiled file matches it."""

import re
from pathlib import Path

import polib
from django.conf import settings

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES" / "django.po"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")


def test_every_string_has_an_english_translation():
    catalogue = polib.pofile(str(CATALOGUE))
    missing = [entry.msgid for entry in catalogue.untranslated_entries() + catalogue.fuzzy_entries()]
    assert missing == []


def test_translations_keep_their_placeholders():
    for entry in polib.pofile(str(CATALOGUE)).translated_entries():
        translations = entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]
        for text in translations:
            assert set(PLACEHOLDER.findall(text)) == set(PLACEHOLDER.findall(entry.msgid)), entry.msgid


def test_compiled_catalogue_is_up_to_date():
    compiled = polib.mofile(str(CATALOGUE.with_suffix(".mo")))
    # keyed by (context, msgid): one msgid may be translated apart in several contexts (pgettext)
    assert {(entry.msgctxt, entry.msgid): entry.msgstr for entry in compiled if not entry.msgid_plural} == {
        (entry.msgctxt, entry.msgid): entry.msgstr
        for entry in polib.pofile(str(CATALOGUE)).translated_entries()
        if not entry.msgid_plural
    }
