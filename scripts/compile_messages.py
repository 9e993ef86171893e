"""Compile locale/*/LC_MESSAGES/*.po to .mo with polib, so that no GNU gettext is needed on the machine."""

from pathlib import Path

import polib

for po_path in Path(__file__).resolve().parent.parent.joinpath("locale").glob("*/LC_MESSAGES/*.po"):
    polib.pofile(str(po_path)).save_as_mofile(str(po_path.with_suffix(".mo")))
    print(f"compiled {po_path}")
