"""The search page over both registers: a box, filters, results (register, number, date, issuer, summary, a
passage of the text with the words found), pages."""

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from apps.documents import selectors
from apps.documents.forms import SearchForm


def _page_number(request) -> int:
    page = request.GET.get("trang", "")
    return int(page) if page.isdigit() and len(page) < 6 else 1


@login_required
def search(request):
    form = SearchForm(request.GET or None)
    results, searched = None, False
    if form.is_bound and form.is_valid():
        arguments = form.search_arguments()
        searched = bool(form.cleaned_data.get("q")) or any(value is not None for value in arguments.values())
        if searched:
            results = selectors.search_documents(
                request.user, form.cleaned_data.get("q") or "", page=_page_number(request), **arguments
            )
    kept = urlencode([(key, value) for key, value in request.GET.items() if key != "trang" and value])
    return render(request, "documents/search.html", {"form": form, "results": results, "searched": searched,
                                                     "query_string": kept})  # fmt: skip
