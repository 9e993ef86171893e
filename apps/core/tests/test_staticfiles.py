"""Issue 10.18: a second collectstatic compresses nothing that did not change (it took a minute of a 2-minute
restart); a changed file is compressed again, and an interrupted write never passes for a current copy."""

import os
import time

import brotli
import pytest
from django.core.management import call_command
from django.test import override_settings

from apps.core.staticfiles import IncrementalCompressor

STORAGE = "apps.core.staticfiles.IncrementalCompressedManifestStaticFilesStorage"


@pytest.fixture
def site(tmp_path, monkeypatch):
    source, root = tmp_path / "src", tmp_path / "out"
    (source / "css").mkdir(parents=True)
    (source / "js").mkdir()
    (source / "css" / "site.css").write_text("body { background: url('../js/x.png'); }\n" + "a { color: red; }\n" * 400)
    (source / "js" / "x.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    (source / "js" / "app.js").write_text("console.log('xin chào');\n" * 400 + "//# sourceMappingURL=app.js.map\n")
    (source / "js" / "app.js.map").write_text('{"version": 3, "mappings": "' + "AAAA;" * 400 + '"}')
    compressed = []
    original = IncrementalCompressor.compress_brotli

    def counting(data):
        compressed.append(data)
        return original(data)

    monkeypatch.setattr(IncrementalCompressor, "compress_brotli", staticmethod(counting))
    settings = override_settings(
        STATIC_ROOT=root,
        STATICFILES_DIRS=[source],
        STATICFILES_FINDERS=["django.contrib.staticfiles.finders.FileSystemFinder"],
        STORAGES={"default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
                  "staticfiles": {"BACKEND": STORAGE}},
    )  # fmt: skip
    with settings:
        yield source, root, compressed


def _collect():
    call_command("collectstatic", interactive=False, verbosity=0)


def test_second_run_compresses_nothing_and_a_changed_file_alone_again(site):
    source, root, compressed = site
    _collect()
    first = len(compressed)
    assert first == 6  # site.css, app.js, app.js.map and their hashed copies (the image is never compressed)
    hashed_js = next((root / "js").glob("app.*.js"))
    assert brotli.decompress((hashed_js.parent / f"{hashed_js.name}.br").read_bytes()) == hashed_js.read_bytes()

    _collect()  # nothing changed: Django rewrites the hashed CSS and JS, but their names say they are the same
    assert len(compressed) == first

    changed = source / "js" / "app.js"
    changed.write_text("console.log('tạm biệt');\n" * 400)
    later = time.time() + 5  # collectstatic compares whole seconds: an edit in the same second would be skipped
    os.utime(changed, (later, later))
    _collect()
    assert len(compressed) == first + 2  # the new app.js and its new hashed copy, nothing else
    new_js = {path.name for path in (root / "js").glob("app.*.js")} - {hashed_js.name}
    (new_name,) = new_js
    assert brotli.decompress((root / "js" / f"{new_name}.br").read_bytes()) == (root / "js" / new_name).read_bytes()
    assert brotli.decompress((root / "js" / "app.js.br").read_bytes()).startswith("console.log('tạm biệt')".encode())


def test_a_copy_older_than_its_unhashed_file_is_made_again(site, tmp_path):
    compressor = IncrementalCompressor(quiet=True)
    path = tmp_path / "plain.js"
    path.write_text("let a = 1;\n" * 500)
    assert compressor.already_compressed(str(path)) is None
    assert set(compressor.compress(str(path))) == {f"{path}.br", f"{path}.gz"}
    assert compressor.already_compressed(str(path)) == [f"{path}.br", f"{path}.gz"]
    (tmp_path / "plain.js.br").write_bytes(b"truncated")  # a copy not written by the compressor: another time
    assert compressor.already_compressed(str(path)) is None
    assert not list(tmp_path.glob("*.tmp"))  # copies are renamed into place, no draft left
