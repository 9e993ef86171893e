"""OCRmyPDF plugin: its progress reports, passed to the callback of the job running in this thread.

OCRmyPDF creates a progress bar for each step (reading the file, OCR of the pages, checking the output) in the thread
that called `ocrmypdf.ocr`; the job sets its callback here for the duration of the call (`reporting`)."""

import threading
from collections.abc import Callable
from contextlib import contextmanager

from ocrmypdf import hookimpl

_current = threading.local()

# (first %, last %) of the job's bar each OCRmyPDF step fills; the steps not named here fill the last band.
STEP_BANDS = {"Scanning contents": (5, 15), "OCR": (15, 85), "Image processing": (15, 85)}
LATE_BAND = (85, 95)


@contextmanager
def reporting(callback: Callable[[str, int], None]):
    """`callback(step, percent)` receives OCRmyPDF's progress while the block runs in this thread; the percent never
    goes back (the steps after OCR share one band, each starting again at its bottom)."""
    highest = [0]

    def forward(step: str, percent: int) -> None:
        highest[0] = max(highest[0], percent)
        callback(step, highest[0])

    _current.callback = forward
    try:
        yield
    finally:
        _current.callback = None


class JobProgress:
    def __init__(self, *, total=None, desc=None, unit=None, disable=False, **kwargs):
        self.total, self.step, self.done = total, desc or "", 0.0
        self.callback = getattr(_current, "callback", None)
        self.band = STEP_BANDS.get(self.step, LATE_BAND)

    def __enter__(self):
        self._report()
        return self

    def __exit__(self, *exc_info):
        self.done = self.total or 0
        self._report()
        return False

    def update(self, n=1, *, completed=None):
        self.done = completed if completed is not None else self.done + n
        self._report()

    def _report(self) -> None:
        if self.callback is None:
            return
        first, last = self.band
        share = min(1.0, self.done / self.total) if self.total else 0.0
        self.callback(self.step, round(first + (last - first) * share))


@hookimpl
def get_progressbar_class():
    return JobProgress
