"""Bench: the leader's follow-up page with 200,000 tasks and 50,000 report submissions (issue 12, point 10: p95 < 300 ms
on both databases, queries constant in rows).

Renders in-process with Django's test client, signed in as the province's chairman (chutich.tinh: every task of the
province is under him) and, for the query count, a commune chairman (chutich.anphu: a few thousand): the page
(`work:follow-up`, /can-bo/cong-viec/theo-doi/) and its API (`v1:work-follow-up`, /api/v1/work/follow-up/), each
after a warm-up, p50/p95/p99 over N requests and the queries of one request, beside the bare JSON view of
`bench/urls.py` measured in the same process (the ratio is p95 / bare p95). The machine's load is printed first: the
machine is shared, figures are only comparable within a run.

Needs generated data in the database the environment points to (DATABASE_URL, or SQLite in CONGVU_VAR_DIR / var/):

    manage.py load_demo && manage.py generate_work_load --tasks 200000 --submissions 50000
    .venv/bin/python bench/work_followup.py                     # 100 requests each
    .venv/bin/python bench/work_followup.py --runs 200 --page /can-bo/cong-viec/theo-doi/?don-vi=12
    DATABASE_URL=postgres://... REDIS_URL=redis://... .venv/bin/python bench/work_followup.py

A URL that does not answer 200 (the page not built yet) is reported and skipped; `--fallback` names a page measured
instead, so that the harness itself can be checked (default: the documents page).
"""

import argparse
import logging
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "congvu.settings")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
os.environ.setdefault("ROOT_URLCONF", "bench.urls")  # the app's URLs plus the bare view

TARGET_MS = 300
PAGE, API = ("work:follow-up", "/can-bo/cong-viec/theo-doi/"), ("v1:work-follow-up", "/api/v1/work/follow-up/")


def percentile(timings: list[float], share: int) -> float:
    return statistics.quantiles(timings, n=100, method="inclusive")[share - 1]


def url_of(name: str, default: str) -> str:
    from django.urls import NoReverseMatch, reverse

    try:
        return reverse(name)
    except NoReverseMatch:
        return default


def measure(client, url: str, runs: int) -> tuple[list[float], int] | str:
    """Timings in ms of `runs` GETs after a warm-up, and the queries of one more; or why it could not."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    response = client.get(url)
    if response.status_code != 200:
        return f"HTTP {response.status_code}"
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    return timings, len(queries)


def line(label: str, timings: list[float], queries: int, bare_p95: float) -> str:
    p50, p95, p99 = (percentile(timings, n) for n in (50, 95, 99))
    return (f"  {label:<58} p50 {p50:6.1f}  p95 {p95:6.1f}  p99 {p99:6.1f} ms  × bare {p95 / bare_p95:6.1f}  "
            f"{queries:3d} queries")  # fmt: skip


def counts() -> str:
    from django.db import connection
    from django.db.models import Count, Q
    from django.utils import timezone

    from apps.work.models import ReportSubmission, Task

    now = timezone.now()
    figures = Task.objects.aggregate(
        total=Count("pk"),
        open=Count("pk", filter=Q(status__in=Task.OPEN_STATUSES)),
        late_now=Count("pk", filter=Q(status__in=Task.OPEN_STATUSES, due_at__lt=now)),
        finished_late=Count("pk", filter=Q(outcome="late")),
    )
    return (f"database: {connection.vendor}; {figures['total']:,} tasks ({figures['open']:,} open, "
            f"{figures['late_now']:,} late now, {figures['finished_late']:,} finished late); "
            f"{ReportSubmission.objects.count():,} report submissions")  # fmt: skip


def reference_reads(username: str) -> list[tuple[str, object]]:
    """What any follow-up page must read for a leader, written plainly over the models with the leader's scope
    (apps.work.selectors.scope): a floor for the page's time and a check that the indexes serve it."""
    import datetime as dt

    from django.db.models import Count, Q
    from django.utils import timezone

    from apps.org.models import User
    from apps.work.models import ReportCycle, ReportSubmission, Task
    from apps.work.selectors.scope import led_units_q

    user = User.objects.get(username=username)
    now = timezone.now()
    week_end = now + dt.timedelta(days=7)
    year_start = now - dt.timedelta(days=365)
    tasks = Task.objects.filter(led_units_q(user))
    is_open = Q(status__in=Task.OPEN_STATUSES)
    figures = {
        "open": Count("pk", filter=is_open),
        "late_now": Count("pk", filter=is_open & Q(due_at__lt=now)),
        "due_this_week": Count("pk", filter=is_open & Q(due_at__gte=now, due_at__lt=week_end)),
        "finished_late": Count("pk", filter=Q(outcome="late", completed_at__gte=year_start)),
    }

    def by_unit():
        return list(tasks.values("unit").annotate(**figures).order_by("unit"))

    def by_unit_split():
        """The same figures from the rows that can count: open tasks (index unit, status, due_at) and tasks finished
        late in the year (index unit, outcome, completed_at), instead of every task the leader ever gave."""
        open_counts = tasks.filter(is_open).values("unit").annotate(
            open=Count("pk"), late_now=Count("pk", filter=Q(due_at__lt=now)),
            due_this_week=Count("pk", filter=Q(due_at__gte=now, due_at__lt=week_end)),
        )  # fmt: skip
        late = tasks.filter(outcome="late", completed_at__gte=year_start).values("unit").annotate(n=Count("pk"))
        return list(open_counts.order_by("unit")), list(late.order_by("unit"))

    def by_person():
        return list(tasks.exclude(assignee=None).values("assignee").annotate(**figures).order_by("assignee"))

    def late_list():
        rows = tasks.filter(is_open, due_at__lt=now).select_related("unit", "assignee").order_by("due_at", "pk")
        return list(rows[:50])

    def reports_late():
        due = ReportCycle.objects.filter(request__from_unit__in=user.memberships.values("unit"), due_at__lt=now)
        return list(
            ReportSubmission.objects.filter(cycle__in=due, outcome="late").values("unit").annotate(n=Count("pk"))
        )

    return [("tasks by unit (4 counts)", by_unit), ("tasks by unit, open and late read apart", by_unit_split),
            ("tasks by person (4 counts)", by_person),
            ("late now, first 50 rows", late_list), ("late report submissions by unit", reports_late)]  # fmt: skip


def time_call(function, runs: int) -> tuple[list[float], int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    function()
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        timings.append((time.perf_counter() - started) * 1000)
    with CaptureQueriesContext(connection) as queries:
        function()
    return timings, len(queries)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument("--page", help="the follow-up page's URL (default: work:follow-up)")
    parser.add_argument("--api", help="the follow-up API's URL (default: v1:work-follow-up)")
    parser.add_argument("--fallback", default="/can-bo/van-ban/", help="measured when a URL is not there yet")
    parser.add_argument("--user", default="chutich.tinh")
    parser.add_argument("--no-reference", action="store_true", help="skip the plain reads over the models")
    parser.add_argument("--compare-user", default="chutich.anphu", help="the same URLs' query count, fewer rows")
    args = parser.parse_args()

    load = os.getloadavg()
    print(f"machine: {os.cpu_count()} cores, load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    import django

    django.setup()
    logging.getLogger("axes").setLevel(logging.WARNING)  # one line per sign-in otherwise
    from django.core.management import call_command
    from django.test import Client

    from apps.org.models import User

    call_command("collectstatic", "--no-input", verbosity=0)  # pages use the hashed static names
    print(counts())
    print(f"{args.runs} requests each, in-process (Django test client), after one warm-up")
    clients = {}
    for username in (args.user, args.compare_user):
        clients[username] = Client()
        clients[username].force_login(User.objects.get(username=username))
    bare_timings, _ = measure(Client(), "/bench/bare", args.runs * 3)
    bare_p95 = percentile(bare_timings, 95)
    print(line("bare JSON view (baseline)", bare_timings, 0, bare_p95))
    targets = [("page", args.page or url_of(*PAGE)), ("API", args.api or url_of(*API))]
    worst, measured, fallback_done = 0.0, 0, False
    for label, url in targets:
        queries_by_user = {}
        for username, client in clients.items():
            result = measure(client, url, args.runs if username == args.user else max(10, args.runs // 5))
            if isinstance(result, str):
                print(f"  {label} {url} as {username}: {result} — not measured")
                if username == args.user and args.fallback and not fallback_done:
                    fallback_done = True
                    fallback = measure(client, args.fallback, args.runs)
                    if not isinstance(fallback, str):
                        print(line(f"fallback {args.fallback} as {username} (harness check)", *fallback, bare_p95))
                break
            timings, queries = result
            queries_by_user[username] = queries
            print(line(f"{label} {url} as {username}", timings, queries, bare_p95))
            if username == args.user:
                worst, measured = max(worst, percentile(timings, 95)), measured + 1
        if len(queries_by_user) == 2:
            same = len(set(queries_by_user.values())) == 1
            print(f"  queries {'constant' if same else 'DIFFER'} in rows: {queries_by_user}")
    if not args.no_reference:
        print(f"reference reads over the models as {args.user} (no page, no template): a floor for the page")
        for label, function in reference_reads(args.user):
            print(line(label, *time_call(function, max(10, args.runs // 3)), bare_p95))
    if not measured:
        print("the follow-up page and API are not there yet: nothing to judge")
        return 2
    ok = worst < TARGET_MS
    print(f"worst p95 {worst:.0f} ms (target < {TARGET_MS}) → {'PASS' if ok else 'FAIL'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
