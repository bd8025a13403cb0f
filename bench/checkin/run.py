"""Benchmark: concurrent HTTP check-ins against the running server on PostgreSQL.

    python bench/checkin/run.py [--people 1000] [--concurrency 12] [--requests 6000]
                                [--rate 300] [--rate-seconds 20] [--workers 3] [--threads 4]

1. (Re)creates the database ``postaward_bench`` (``BENCH_DATABASE_URL``), migrates it,
   and builds a district through the services: 200 projects under construction
   with a 200 m site, 1,000 key persons with accounts and API tokens.
2. Starts gunicorn on a free port against that database (production settings).
3. Drives ``POST /api/v1/attendance/checkins`` with bearer tokens from threads
   (keep-alive ``http.client``): a closed-loop run at full speed (check-ins/s,
   p50/p99), then an open-loop run at a fixed rate (p50/p99 measured from the
   scheduled send time, so queueing counts). 5 % of the positions are outside
   the fence (stored as refused) and 2 % of the submissions are resent with the
   same Idempotency-Key (answered 200 from the stored check-in).
4. Measures raw single-row INSERTs of the same row into the same table in the
   same run (psycopg, autocommit, each its own durable transaction): from the
   same number of connections, and from one connection one after another.
5. Checks that nothing was lost: unique submissions = accepted + refused rows.

The ratios (HTTP check-ins/s ÷ raw INSERTs/s, against both) are printed last.
"""

from __future__ import annotations

import argparse
import http.client
import json
import math
import os
import random
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import benchdb

SITE_RADIUS_M = 200.0
CENTRE = (120.872, 30.032)


# --- setup -------------------------------------------------------------------------------------


@dataclass
class Person:
    token: str
    project_id: int
    lon: float
    lat: float
    device: str


def build_district(n_people: int) -> list[Person]:
    import datetime as dt
    from decimal import Decimal

    from postaward.core import clock
    from postaward.core.actor import SYSTEM
    from postaward.orgs import services as org_services
    from postaward.orgs.choices import Industry, OrgKind
    from postaward.projects import services as project_services
    from postaward.projects.choices import ParticipantRole, Position, ProjectStatus
    from postaward.testing import account, org

    rng = random.Random(2026)
    k = OrgKind
    office = org(None, "基准区监管办", k.SUPERVISION_OFFICE)
    housing = org(office, "基准区住建局", k.INDUSTRY_AUTHORITY, industry=Industry.HOUSING)
    edu = org(office, "基准区教育局", k.SUPERIOR_UNIT)
    line = org(edu, "基建条线", k.LINE)
    owners = [org(line, f"基准区第{i + 1}中学", k.OWNER) for i in range(10)]
    contractors = [org(office, f"基准第{i + 1}建设有限公司", k.CONTRACTOR) for i in range(20)]
    supervisors = [org(office, f"基准第{i + 1}监理有限公司", k.SUPERVISING_FIRM) for i in range(10)]
    positions = [
        (ParticipantRole.CONTRACTOR, Position.PROJECT_MANAGER),
        (ParticipantRole.CONTRACTOR, Position.SAFETY_OFFICER),
        (ParticipantRole.CONTRACTOR, Position.SAFETY_OFFICER),
        (ParticipantRole.SUPERVISING_FIRM, Position.CHIEF_SUPERVISING_ENGINEER),
        (ParticipantRole.SUPERVISING_FIRM, Position.SUPERVISOR),
    ]
    start = clock.today() - dt.timedelta(days=40)
    people: list[Person] = []
    n_projects = math.ceil(n_people / len(positions))
    for i in range(n_projects):
        lon = round(CENTRE[0] + rng.uniform(-0.12, 0.12), 6)
        lat = round(CENTRE[1] + rng.uniform(-0.09, 0.09), 6)
        p = project_services.register_project(
            actor=SYSTEM,
            code=f"BENCH-{i + 1:05d}",
            name=f"基准工程{i + 1}",
            owner=owners[i % len(owners)],
            industry=Industry.HOUSING,
            contract_amount=Decimal("8500000"),
            superior_unit=edu,
            line=line,
            industry_authority=housing,
            planned_start=start,
            status=ProjectStatus.UNDER_CONSTRUCTION,
            actual_start=start,
            site_kind="circle",
            site_lon=lon,
            site_lat=lat,
            site_radius_m=SITE_RADIUS_M,
        )
        firms = {
            ParticipantRole.CONTRACTOR: contractors[i % len(contractors)],
            ParticipantRole.SUPERVISING_FIRM: supervisors[i % len(supervisors)],
        }
        parts = {
            role: project_services.add_participant(
                actor=SYSTEM, project=p, organisation=firm, role=role
            )
            for role, firm in firms.items()
        }
        for j, (role, position) in enumerate(positions):
            if len(people) >= n_people:
                break
            user = account(firms[role], f"k{i}_{j}", [position])
            project_services.assign_key_person(
                actor=SYSTEM,
                participant=parts[role],
                person=user.person,
                position=position,
                started_on=start,
                must_check_in=True,
            )
            _, plain = org_services.create_api_token(actor=SYSTEM, user=user, name="基准测试")
            people.append(Person(plain, p.pk, lon, lat, f"bench-dev-{i}-{j}"))
    return people


def queries_per_checkin(person: Person) -> int:
    """Run one check-in in-process as served and count queries (the second use of
    a token: the first loads it into the process's cache)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from postaward.testing import TokenClient

    client = TokenClient(person.token)  # through the WSGI front, as gunicorn serves it
    body = json.dumps(payload(person, random.Random(1), inside=True))
    for _ in range(2):  # the first use of a token also records its last-use time
        with CaptureQueriesContext(connection) as ctx:
            r = client.post(
                "/api/v1/attendance/checkins",
                data=body,
                content_type="application/json",
                headers={"Idempotency-Key": f"count-{uuid.uuid4()}"},
            )
        assert r.status_code == 201, r.content
    return len(ctx.captured_queries)


# --- the load ------------------------------------------------------------------------------------


def payload(p: Person, rng: random.Random, *, inside: bool) -> dict:
    d = SITE_RADIUS_M * 0.6 * math.sqrt(rng.random()) if inside else 1500 + rng.random() * 2000
    theta = rng.uniform(0, 2 * math.pi)
    lat = p.lat + d * math.cos(theta) / 111_320
    lon = p.lon + d * math.sin(theta) / (111_320 * math.cos(math.radians(p.lat)))
    return {
        "project_id": p.project_id,
        "lon": round(lon, 7),
        "lat": round(lat, 7),
        "accuracy_m": round(rng.uniform(4, 25), 1),
        "client_at": time.strftime("%Y-%m-%dT%H:%M:%S+08:00", time.localtime()),
        "device_id": p.device,
    }


@dataclass
class Job:
    person: Person
    key: str
    body: bytes
    retry: bool = False
    scheduled: float = 0.0


@dataclass
class Results:
    latencies: list[float] = field(default_factory=list)  # seconds, from send (or schedule)
    service: list[float] = field(default_factory=list)  # seconds, from the actual send
    status: dict[int, int] = field(default_factory=dict)
    errors: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, latency: float, service: float, status: int) -> None:
        with self.lock:
            self.latencies.append(latency)
            self.service.append(service)
            self.status[status] = self.status.get(status, 0) + 1


def make_jobs(people: list[Person], n: int, rng: random.Random) -> list[Job]:
    jobs: list[Job] = []
    while len(jobs) < n:
        p = rng.choice(people)
        body = json.dumps(payload(p, rng, inside=rng.random() >= 0.05)).encode()
        job = Job(p, str(uuid.UUID(int=rng.getrandbits(128))), body)
        jobs.append(job)
        if rng.random() < 0.02 and len(jobs) < n:
            jobs.append(Job(p, job.key, body, retry=True))  # resent with the same key
    return jobs


class Worker:
    def __init__(self, port: int) -> None:
        self.port = port
        self.conn: http.client.HTTPConnection | None = None

    def send(self, job: Job) -> int:
        for attempt in range(3):
            try:
                if self.conn is None:
                    self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
                self.conn.request(
                    "POST",
                    "/api/v1/attendance/checkins",
                    body=job.body,
                    headers={
                        "Authorization": f"Bearer {job.person.token}",
                        "Idempotency-Key": job.key,
                        "Content-Type": "application/json",
                    },
                )
                resp = self.conn.getresponse()
                resp.read()
                if resp.getheader("Connection", "").lower() == "close":
                    self.conn.close()
                    self.conn = None
                return resp.status
            except (OSError, http.client.HTTPException):
                if self.conn is not None:
                    self.conn.close()
                self.conn = None
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")


def closed_loop(port: int, jobs: list[Job], concurrency: int) -> tuple[Results, float]:
    res = Results()
    it = iter(jobs)
    lock = threading.Lock()

    def run() -> None:
        w = Worker(port)
        while True:
            with lock:
                job = next(it, None)
            if job is None:
                return
            t0 = time.perf_counter()
            try:
                status = w.send(job)
            except Exception:
                with res.lock:
                    res.errors += 1
                continue
            dt_ = time.perf_counter() - t0
            res.add(dt_, dt_, status)

    threads = [threading.Thread(target=run) for _ in range(concurrency)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return res, time.perf_counter() - t0


def open_loop(port: int, jobs: list[Job], rate: float, pool: int) -> tuple[Results, float]:
    """Send at a fixed rate; a job late because all workers are busy counts its wait."""
    import queue

    res = Results()
    q: queue.Queue[Job | None] = queue.Queue()

    def run() -> None:
        w = Worker(port)
        while True:
            job = q.get()
            if job is None:
                return
            delay = job.scheduled - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            t_send = time.perf_counter()
            try:
                status = w.send(job)
            except Exception:
                with res.lock:
                    res.errors += 1
                continue
            t_end = time.perf_counter()
            res.add(t_end - job.scheduled, t_end - t_send, status)

    threads = [threading.Thread(target=run) for _ in range(pool)]
    for t in threads:
        t.start()
    t0 = time.perf_counter() + 0.2
    for i, job in enumerate(jobs):
        job.scheduled = t0 + i / rate
        q.put(job)
    for _ in threads:
        q.put(None)
    for t in threads:
        t.join()
    return res, time.perf_counter() - t0


def raw_inserts(url: str, template: dict, n: int, concurrency: int) -> tuple[float, list[float]]:
    """Single-row INSERTs of the same row (new key each) in autocommit, from threads."""
    import psycopg

    cols = [c for c in template if c != "id"]
    sql = (
        f"INSERT INTO attendance_checkin ({', '.join(cols)}) "
        f"VALUES ({', '.join(['%s'] * len(cols))})"
    )
    per = n // concurrency
    lat: list[float] = []
    lock = threading.Lock()
    barrier = threading.Barrier(concurrency + 1)

    def run(w: int) -> None:
        mine = []
        with psycopg.connect(url, autocommit=True) as conn:
            cur = conn.cursor()
            barrier.wait()
            for i in range(per):
                row = dict(template, idempotency_key=f"raw-{w}-{i}-{uuid.uuid4().hex[:8]}")
                t0 = time.perf_counter()
                cur.execute(sql, [row[c] for c in cols])
                mine.append(time.perf_counter() - t0)
        with lock:
            lat.extend(mine)

    threads = [threading.Thread(target=run, args=(w,)) for w in range(concurrency)]
    for t in threads:
        t.start()
    barrier.wait()
    t0 = time.perf_counter()
    for t in threads:
        t.join()
    return per * concurrency / (time.perf_counter() - t0), lat


def _cpu_of(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def cpu_snapshot(server_pid: int, db_name: str) -> dict[str, dict[int, float]]:
    """CPU seconds so far of the gunicorn processes and of this database's
    PostgreSQL backends (read from /proc, Linux)."""
    server: dict[int, float] = {server_pid: _cpu_of(server_pid)}
    database: dict[int, float] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        pid = int(entry.name)
        try:
            ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            cmd = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if ppid == server_pid:
            server[pid] = _cpu_of(pid)
        elif cmd.startswith("postgres: ") and f" {db_name} " in cmd:
            database[pid] = _cpu_of(pid)
    return {"server": server, "database": database}


def cpu_used(before: dict, after: dict) -> dict[str, float]:
    return {
        part: sum(v - before[part].get(pid, 0.0) for pid, v in after[part].items())
        for part in after
    }


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    s = sorted(values)
    return s[min(len(s) - 1, round(p / 100 * (len(s) - 1)))] * 1000


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_command(server: str, app: str, port: int, workers: int, threads: int) -> list[str]:
    """gunicorn's gthread workers (HTTP parsed in Python) or granian's (HTTP in
    Rust, the WSGI application called on a pool of blocking threads)."""
    if server == "granian":
        return [
            *(sys.executable, "-m", "granian", "--interface", "wsgi", "--http", "1"),
            *("--host", "127.0.0.1", "--port", str(port)),
            *("--workers", str(workers), "--blocking-threads", str(threads)),
            *("--backlog", "2048", "--log-level", "warning", "--no-ws", app),
        ]
    return [
        *(sys.executable, "-m", "gunicorn", app, "--bind", f"127.0.0.1:{port}"),
        *("--workers", str(workers), "--threads", str(threads), "--worker-class", "gthread"),
        *("--keep-alive", "30", "--log-level", "warning", "--backlog", "2048"),
    ]


def start_server(
    url: str, var_dir: Path, port: int, workers: int, threads: int, app: str, server: str
) -> subprocess.Popen:
    env = benchdb.django_env(url, var_dir, testing=False)
    env["POSTAWARD_CONN_MAX_AGE"] = "600"
    proc = subprocess.Popen(
        server_command(server, app, port, workers, threads),
        env=env,
        cwd=str(benchdb.REPO),
    )
    deadline = time.time() + 240  # a busy shared machine imports slowly
    while time.time() < deadline:
        try:
            # A cheap address (401 without a token): the OpenAPI document takes
            # seconds to build on a busy machine, longer than a probe waits.
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            c.request("GET", "/api/v1/me")
            if c.getresponse().status == 401:
                return proc
        except OSError:
            time.sleep(0.3)
    proc.terminate()
    raise SystemExit("gunicorn did not start")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--people", type=int, default=1000)
    ap.add_argument("--concurrency", type=int, default=12)
    ap.add_argument("--requests", type=int, default=6000)
    ap.add_argument("--rate", type=float, default=300)
    ap.add_argument("--rate-seconds", type=float, default=20)
    ap.add_argument("--workers", type=int, default=3)
    ap.add_argument("--threads", type=int, default=4)
    ap.add_argument("--raw-inserts", type=int, default=24000)
    ap.add_argument(
        "--app",
        default="postaward.wsgi:application",
        help="the WSGI application (postaward.wsgi:django_application: without the ingest path)",
    )
    ap.add_argument(
        "--server",
        choices=("gunicorn", "granian"),
        default="gunicorn",
        help="the application server (gunicorn gthread, as deployed; or granian)",
    )
    ap.add_argument(
        "--reuse",
        action="store_true",
        help="keep the district of the previous run (its check-ins emptied) instead of building it",
    )
    args = ap.parse_args()

    url = benchdb.bench_url()
    var_dir = Path(tempfile.mkdtemp(prefix="postaward-bench-checkin-"))
    print(f"machine: {benchdb.machine()}")
    print(f"database: {url}")
    t = time.perf_counter()
    saved = Path(tempfile.gettempdir()) / f"postaward-bench-checkin-{url.rsplit('/', 1)[1]}.json"
    reuse = args.reuse and saved.exists()
    if not reuse:
        benchdb.recreate_database(url)
    benchdb.setup_django(url, var_dir)
    if not reuse:
        benchdb.migrate()
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SHOW server_version")
        pg = cur.fetchone()[0]
        cur.execute("SHOW synchronous_commit")
        sync = cur.fetchone()[0]
    print(f"PostgreSQL {pg} (synchronous_commit={sync})")
    if reuse:
        people = [Person(**p) for p in json.loads(saved.read_text())]
        with connection.cursor() as cur:
            cur.execute("TRUNCATE attendance_checkin")
    else:
        people = build_district(args.people)
        saved.write_text(json.dumps([p.__dict__ for p in people]))
    n_queries = queries_per_checkin(people[0])
    connection.close()
    print(
        f"setup: {len(people)} key persons on {len({p.project_id for p in people})} projects "
        f"in {time.perf_counter() - t:.0f} s{' (reused)' if reuse else ''}; "
        f"{n_queries} SQL queries per check-in request"
    )

    port = free_port()
    server = start_server(url, var_dir, port, args.workers, args.threads, args.app, args.server)
    kind = "gunicorn gthread" if args.server == "gunicorn" else "granian wsgi"
    print(
        f"server: {kind}, {args.workers} workers × {args.threads} threads, {args.app}, port {port}"
    )
    try:
        rng = random.Random(7)
        warm = make_jobs(people, 300, rng)
        closed_loop(port, warm, args.concurrency)
        jobs = make_jobs(people, args.requests, rng)
        db_name = url.rsplit("/", 1)[1]
        cpu_before, client_before = cpu_snapshot(server.pid, db_name), time.process_time()
        res, elapsed = closed_loop(port, jobs, args.concurrency)
        cpu = cpu_used(cpu_before, cpu_snapshot(server.pid, db_name))
        cpu["client"] = time.process_time() - client_before
        load_during = os.getloadavg()[0]
        rate_jobs = make_jobs(people, int(args.rate * args.rate_seconds), rng)
        fixed, fixed_elapsed = open_loop(port, rate_jobs, args.rate, pool=max(32, args.concurrency))
    finally:
        server.terminate()
        try:
            server.wait(timeout=60)  # keep-alive connections on a busy machine
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=30)

    # Nothing lost: every unique submission is one stored row, accepted or refused.
    import psycopg

    all_jobs = warm + jobs + rate_jobs
    unique = {j.key for j in all_jobs}
    retries = sum(1 for j in all_jobs if j.retry)
    with psycopg.connect(url) as conn:
        accepted, refused = conn.execute(
            "SELECT count(*) FILTER (WHERE accepted), count(*) FILTER (WHERE NOT accepted) "
            "FROM attendance_checkin WHERE idempotency_key NOT LIKE 'count-%%'"
        ).fetchone()
        template = conn.execute(
            "SELECT * FROM attendance_checkin WHERE accepted ORDER BY id DESC LIMIT 1"
        ).fetchone()
        names = [
            d.name for d in conn.execute("SELECT * FROM attendance_checkin LIMIT 0").description
        ]
    row = dict(zip(names, template, strict=True))
    row["signals"] = json.dumps(row["signals"])
    row["anchor_id"] = None

    raw_rate, raw_lat = raw_inserts(url, row, args.raw_inserts, args.concurrency)
    seq_rate, seq_lat = raw_inserts(url, row, max(2000, args.raw_inserts // 6), 1)

    ok_statuses = {200, 201}
    throughput = sum(v for s, v in res.status.items() if s in ok_statuses) / elapsed
    print()
    print(f"closed loop, {args.concurrency} connections, {len(jobs)} requests in {elapsed:.1f} s:")
    print(f"  check-ins/s            {throughput:8.1f}")
    print(
        f"  latency p50 / p99      {pct(res.latencies, 50):6.1f} / {pct(res.latencies, 99):.1f} ms"
    )
    print(
        f"  statuses               {dict(sorted(res.status.items()))}, transport errors {res.errors}"
    )
    per = {k: v / len(jobs) * 1000 for k, v in cpu.items()}
    total = sum(per.values())
    print(
        f"  CPU per request        server {per['server']:.2f} ms + database {per['database']:.2f} ms "
        f"+ client {per['client']:.2f} ms = {total:.2f} ms, so at most "
        f"{os.cpu_count() * 1000 / total:.0f}/s on {os.cpu_count()} CPUs "
        f"(load average {load_during:.1f} at the end)"
    )
    achieved = len(fixed.latencies) / fixed_elapsed
    print(
        f"open loop at {args.rate:.0f} requests/s for {args.rate_seconds:.0f} s (achieved {achieved:.0f}/s):"
    )
    print(
        f"  latency p50 / p99      {pct(fixed.latencies, 50):6.1f} / {pct(fixed.latencies, 99):.1f} ms "
        "(from the scheduled send time)"
    )
    print(
        f"  service p50 / p99      {pct(fixed.service, 50):6.1f} / {pct(fixed.service, 99):.1f} ms "
        "(from the actual send)"
    )
    print(
        f"  statuses               {dict(sorted(fixed.status.items()))}, transport errors {fixed.errors}"
    )
    print(
        f"raw single-row INSERTs, {args.concurrency} connections: {raw_rate:8.1f}/s "
        f"(p50 {pct(raw_lat, 50):.2f} ms, p99 {pct(raw_lat, 99):.2f} ms)"
    )
    print(
        f"raw single-row INSERTs, one connection:  {seq_rate:8.1f}/s "
        f"(p50 {pct(seq_lat, 50):.2f} ms, p99 {pct(seq_lat, 99):.2f} ms)"
    )
    sent = len(all_jobs)
    lost = len(unique) - (accepted + refused)
    print(
        f"nothing lost: {sent} sent = {len(unique)} unique + {retries} resent with the same key; "
        f"{len(unique)} unique = {accepted} stored accepted + {refused} stored refused"
        + ("" if lost == 0 else f"  <-- {lost} LOST")
    )
    print(
        f"ratio HTTP check-ins/s ÷ raw INSERTs/s = {throughput / raw_rate:.3f} "
        f"(both {args.concurrency} connections); {throughput / seq_rate:.3f} "
        "(INSERTs from one connection, one after another)"
    )
    if lost or res.errors or fixed.errors:
        sys.exit(1)


if __name__ == "__main__":
    main()
