"""Static files: WhiteNoise's hashed, compressed storage that compresses only what changed since the last run.

WhiteNoise compresses every file (Brotli and gzip at their highest levels) on every `collectstatic`, unchanged or
not: a minute of CPU here (the API docs' and Bootstrap's bundles), every `make run`. This storage keeps the
compressed copies that are current:
- a hashed file (`app.3f2a9c1b7d0e.js`) is named after its content, so its `.br`/`.gz` are current when they exist,
  even though Django rewrites the hashed CSS and JavaScript files on every run;
- any other file (the unhashed copies) by its time: WhiteNoise gives each compressed copy the modification time of
  the file it compressed, and collectstatic copies a file again only when its source changed.
Copies are written under a temporary name and renamed, so an interrupted run never leaves a truncated one that a
later run would keep. A file that did not compress well leaves no copy and is tried again (small: cheap)."""

import os

from whitenoise.compress import Compressor
from whitenoise.storage import CompressedManifestStaticFilesStorage


class IncrementalCompressor(Compressor):
    def __init__(self, *args, content_named=frozenset(), **kwargs):
        super().__init__(*args, **kwargs)
        self.content_named = content_named  # full paths of the hashed files of this run

    def compress(self, path):
        done = self.already_compressed(path)
        return done if done is not None else super().compress(path)

    def already_compressed(self, path) -> list[str] | None:
        """The compressed copies of `path` when they are current, else None."""
        try:
            mtime = os.stat(path).st_mtime
        except FileNotFoundError:
            return None
        suffixes = [suffix for suffix, wanted in ((".br", self.use_brotli), (".gz", self.use_gzip)) if wanted]
        copies = []
        for suffix in suffixes:
            try:
                copy_mtime = os.stat(path + suffix).st_mtime
            except FileNotFoundError:
                return None
            if copy_mtime != mtime and path not in self.content_named:
                return None
            copies.append(path + suffix)
        return copies or None

    def write_data(self, path, data, suffix, stat_result):
        """Write to a temporary name and rename: an interrupted run never leaves a truncated copy that a later run
        would take for current (the time is set before the rename)."""
        filename = path + suffix
        draft = f"{filename}.{os.getpid()}.tmp"
        with open(draft, "wb") as handle:
            handle.write(data)
        os.utime(draft, (stat_result.st_atime, stat_result.st_mtime))
        os.replace(draft, filename)
        return filename


class IncrementalCompressedManifestStaticFilesStorage(CompressedManifestStaticFilesStorage):
    def create_compressor(self, **kwargs):
        hashed = frozenset(self.path(name) for name in self.hashed_files.values())
        return IncrementalCompressor(content_named=hashed, **kwargs)
