"""Bench: the leader's follow-up page with 200,000 tasks and 50,000 report submissions (issue 12, point 10: p95 < 300 ms
on both databases, queries constant in rows).

Renders in-process with Django's test client, signed in as the province's chairman (chutich.tinh: every task of the
province is under him) and, for the query count, a commune chairman (chutich.anphu: a few thousand): the page
(`work:follow-up`, /can-bo/cong-viec/theo-doi/) and its API (`v1:work-follow-up`, /api/v1/work/follow-up/), each
after a warm-up, p50/p95/p99 over N requests and the queries of one request, beside the bare JSON view of
`bench/urls.py` measured in the same process (the ratio is p95 / bare p95). The machine's load is printed first: the
machine is shared, figures are only comparable within a run. Then the lists behind the counts, the first page of
each of the five (`work:follow-up-list?loai=…` and `v1:work-follow-up-tasks?kind=…`, the whole province's count and
its first 50 rows for the chairman); `--no-lists` skips them.

Needs generated data in the database the environment points to (DATABASE_URL, or SQLite in CONGVU_VAR_DIR / var/):

    manage.py load_demo && manage.py generate_work_load --tasks 200000 --submissions 50000
    .venv/bin/python bench/work_followup.py                     # 100 requests each
    .venv/bin/python bench/work_followup.py --runs 200 --page /can-bo/cong-viec/theo-doi/?don-vi=12
    DATABASE_URL=postgres://... REDIS_URL=redis://... .venv/bin/python bench/work_followup.py

With `--wrk SECONDS` the same URLs are also driven over HTTP: one gunicorn (sync workers, `--workers`) started on a
free port with the bench's URLs, wrk with `--connections` kept-alive connections and the chairman's session cookie,
the bare view first; p50/p90/p99 and requests per second from wrk's latency distribution (needs wrk).

A URL that does not answer 200 (the page not built yet) is reported and skipped; `--fallback` names a page measured
instead, so that the harness itself can be checked (default: the documents page).
"""

import argparse
import http.client
import logging
import os
import re
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "congvu.settings")
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")  # wrk, and the in-process client
os.environ.setdefault("ROOT_URLCONF", "bench.urls")  # the app's URLs plus the bare view

TARGET_MS = 300
PAGE, API = ("work:follow-up", "/can-bo/cong-viec/theo-doi/"), ("v1:work-follow-up", "/api/v1/work/follow-up/")
# The lists behind the counts (first page of 50, the whole province's count for the chairman).
LIST_PAGE = ("work:follow-up-list", "/can-bo/cong-viec/theo-doi/danh-sach/")
LIST_API = ("v1:work-follow-up-tasks", "/api/v1/work/follow-up/tasks/")
LIST_KINDS = ("open", "due_week", "due_soon", "late", "finished_late")


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
    return (f"  {label:<72} p50 {p50:6.1f}  p95 {p95:6.1f}  p99 {p99:6.1f} ms  × bare {p95 / bare_p95:6.1f}  "
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


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(port: int, workers: int) -> subprocess.Popen:
    env = {**os.environ, "ROOT_URLCONF": "bench.urls", "DEBUG": "0", "LOG_LEVEL": "WARNING"}
    command = [str(ROOT / ".venv/bin/gunicorn"), "congvu.wsgi:application", "--bind", f"127.0.0.1:{port}",
               "--workers", str(workers), "--log-level", "warning"]  # fmt: skip
    server = subprocess.Popen(command, cwd=ROOT, env=env)
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                time.sleep(2)  # every worker up before the first connection
                return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise RuntimeError("gunicorn did not start")


def wrk(url: str, connections: int, seconds: int, cookie: str = "") -> dict:
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", url]
    if cookie:
        command[1:1] = ["-H", f"Cookie: {cookie}"]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    figures = {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))}
    for share in (50, 90, 99):
        found = re.search(rf"\s{share}%\s+([\d.]+)(us|ms|s)", output)
        figures[f"p{share}"] = float(found.group(1)) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[found.group(2)]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    figures["non_2xx"] = int(errors.group(1)) if errors else 0
    return figures


def http_status(port: int, url: str, cookie: str) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", url, headers={"Cookie": cookie} if cookie else {})
        return connection.getresponse().status
    finally:
        connection.close()


def wrk_figures(urls: list[str], cookie: str, args) -> None:
    port = free_port()
    server = start_server(port, args.workers)
    try:
        print(f"over HTTP: gunicorn, {args.workers} sync workers; wrk, {args.connections} connections, "
              f"{args.wrk} s each")  # fmt: skip
        for label, url, session in [("bare JSON view", "/bench/bare", ""), *((u, u, cookie) for u in urls)]:
            status = http_status(port, url, session)
            if status != 200:  # a redirect to the sign-in page would count as a success in wrk's figures
                print(f"  {label:<72} HTTP {status} over HTTP — not measured")
                continue
            wrk(f"http://127.0.0.1:{port}{url}", args.connections, 2, session)  # warm up
            got = wrk(f"http://127.0.0.1:{port}{url}", args.connections, args.wrk, session)
            print(f"  {label:<72} p50 {got['p50']:6.1f}  p90 {got['p90']:6.1f}  p99 {got['p99']:6.1f} ms  "
                  f"{got['rps']:7.1f} req/s  non-2xx {got['non_2xx']}")  # fmt: skip
    finally:
        server.terminate()
        server.wait(timeout=30)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument("--page", help="the follow-up page's URL (default: work:follow-up)")
    parser.add_argument("--api", help="the follow-up API's URL (default: v1:work-follow-up)")
    parser.add_argument("--fallback", default="/can-bo/van-ban/", help="measured when a URL is not there yet")
    parser.add_argument("--user", default="chutich.tinh")
    parser.add_argument("--no-reference", action="store_true", help="skip the plain reads over the models")
    parser.add_argument("--no-lists", action="store_true", help="skip the lists behind the counts (page and API)")
    parser.add_argument("--wrk", type=int, default=0, metavar="SECONDS", help="also drive the URLs over HTTP")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers for --wrk")
    parser.add_argument("--connections", type=int, default=4, help="wrk connections for --wrk")
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
    if not args.no_lists:
        targets += [("list", f"{url_of(*LIST_PAGE)}?loai={kind}") for kind in LIST_KINDS]
        targets += [("API list", f"{url_of(*LIST_API)}?kind={kind}") for kind in LIST_KINDS]
    worst, measured, fallback_done, answered = 0.0, 0, False, []
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
                        answered.append(args.fallback)
                        print(line(f"fallback {args.fallback} as {username} (harness check)", *fallback, bare_p95))
                break
            timings, queries = result
            queries_by_user[username] = queries
            print(line(f"{label} {url} as {username}", timings, queries, bare_p95))
            if username == args.user:
                worst, measured = max(worst, percentile(timings, 95)), measured + 1
                answered.append(url)
        if len(queries_by_user) == 2:
            same = len(set(queries_by_user.values())) == 1
            print(f"  queries {'constant' if same else 'DIFFER'} in rows: {queries_by_user}")
    if not args.no_reference:
        print(f"reference reads over the models as {args.user} (no page, no template): a floor for the page")
        for label, function in reference_reads(args.user):
            print(line(label, *time_call(function, max(10, args.runs // 3)), bare_p95))
    if args.wrk and answered:
        from django.conf import settings

        session = clients[args.user].cookies[settings.SESSION_COOKIE_NAME].value
        wrk_figures(answered, f"{settings.SESSION_COOKIE_NAME}={session}", args)
    if not measured:
        print("the follow-up page and API are not there yet: nothing to judge")
        return 2
    ok = worst < TARGET_MS
    print(f"worst p95 {worst:.0f} ms (target < {TARGET_MS}) → {'PASS' if ok else 'FAIL'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
