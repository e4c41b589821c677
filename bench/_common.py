"""Helpers the database benchmarks share (bench/matching_db.py, bench/load.py).

A throwaway PostgreSQL cluster on loopback (initdb -A trust, fsync=off, its own port, like
scripts/test.sh), the bench artists loaded with bench/import_artists.py's generator, gunicorn
started against the bench database, and the small statistics both scripts print.
"""

import io
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from http.client import HTTPConnection
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
BENCH_SLUG_PREFIX = "bench-artist-"


def load_average() -> float:
    return round(os.getloadavg()[0], 2)


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile of `values` (q in 0..100); 0.0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


# --- the throwaway cluster -----------------------------------------------------------------------


def pg_bin() -> Path:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name))
    if not found:
        sys.exit("PostgreSQL is not installed (apt-get install postgresql)")
    return found[-1]


def as_pg(cmd: list[str]) -> list[str]:
    """PostgreSQL refuses to run as root: as root, its commands run as the postgres user."""
    return ["runuser", "-u", "postgres", "--", *cmd] if os.getuid() == 0 else cmd


def pg_running(run_dir: Path) -> bool:
    return (run_dir / "pg" / "postmaster.pid").exists()


def pg_stop(run_dir: Path, *, remove: bool = True) -> None:
    if pg_running(run_dir):
        subprocess.run(  # noqa: S603 (fixed argv, no shell)
            as_pg([str(pg_bin() / "pg_ctl"), "-D", str(run_dir / "pg"), "-m", "fast", "stop"]),
            check=False,
            capture_output=True,
        )
    if remove:
        shutil.rmtree(run_dir, ignore_errors=True)


def pg_start(run_dir: Path, port: int) -> None:
    """A fresh cluster in `run_dir` (anything there before is removed) on 127.0.0.1:`port`."""
    pg_stop(run_dir)
    (run_dir / "sock").mkdir(parents=True)
    (run_dir / "pg").mkdir()
    if os.getuid() == 0:
        shutil.chown(run_dir, "postgres", "postgres")
        for sub in ("sock", "pg"):
            shutil.chown(run_dir / sub, "postgres", "postgres")
    initdb = [str(pg_bin() / "initdb"), "-D", str(run_dir / "pg"), "-A", "trust"]
    subprocess.run(  # noqa: S603 (fixed argv, no shell)
        as_pg([*initdb, "-U", "postgres", "-E", "UTF8"]), check=True, capture_output=True
    )
    options = (
        f"-c listen_addresses=127.0.0.1 -p {port} -k {run_dir}/sock -c fsync=off "
        "-c synchronous_commit=off -c full_page_writes=off -c shared_buffers=512MB "
        "-c max_wal_size=4GB -c maintenance_work_mem=256MB -c max_connections=200"
    )
    pg_ctl = [str(pg_bin() / "pg_ctl"), "-D", str(run_dir / "pg"), "-w"]
    subprocess.run(  # noqa: S603 (fixed argv, no shell)
        as_pg([*pg_ctl, "-l", str(run_dir / "pg.log"), "-o", options, "start"]),
        check=True,
        capture_output=True,
    )


def ensure_database(port: int, db: str) -> None:
    import psycopg2

    conn = psycopg2.connect(host="127.0.0.1", port=port, user="postgres", dbname="postgres")
    conn.autocommit = True
    with conn.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [db])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{db}"')
    conn.close()


# --- bench artists (Django must be set up) -------------------------------------------------------


def load_bench_artists(n: int, *, chunk: int = 50_000, seed: int = 7) -> int:
    """Top the database up to `n` bench artists (bench/import_artists.py's generator, every
    column filled, ~17 related rows each), imported `chunk` rows a transaction. Returns how
    many bench artists there are now."""
    sys.path.insert(0, str(ROOT / "bench"))
    import import_artists as gen  # bench/import_artists.py: the same generator and taxonomy

    from artists.importing import import_artists
    from artists.models import Artist

    taxonomy = gen.ensure_taxonomy()
    have = Artist.objects.filter(slug__startswith=BENCH_SLUG_PREFIX).count()
    print(f"{have} bench artists present, loading up to {n}", flush=True)
    started = time.perf_counter()
    for start in range(have, n, chunk):
        rows = min(chunk, n - start)
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "chunk.csv"
            gen.write_csv(path, rows, taxonomy, seed=seed + start)
            # write_csv numbers rows from 0: shift the slugs so chunks do not overwrite each other
            text = path.read_text(encoding="utf-8")
            text = text.replace(f"\n{BENCH_SLUG_PREFIX}", f"\n{BENCH_SLUG_PREFIX}{start}-")
            t0 = time.perf_counter()
            result = import_artists(io.StringIO(text))
        print(
            f"  {start + rows:>9} artists: chunk of {rows} in {time.perf_counter() - t0:.1f}s "
            f"({len(result.errors)} errors) load {load_average()}",
            flush=True,
        )
    if have < n:
        print(f"loaded in {time.perf_counter() - started:.0f}s", flush=True)
    return Artist.objects.filter(slug__startswith=BENCH_SLUG_PREFIX).count()


# --- gunicorn ------------------------------------------------------------------------------------


def gunicorn_start(
    env: dict[str, str], *, port: int, workers: int, verbose: bool = False
) -> subprocess.Popen:
    """gunicorn (sync workers) serving aux.wsgi on 127.0.0.1:`port`, in its own process group."""
    return subprocess.Popen(  # noqa: S603 (fixed argv, no shell)
        [
            str(Path(PYTHON).parent / "gunicorn"),
            "aux.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--access-logfile",
            "-" if verbose else "/dev/null",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )


def wait_http(port: int, path: str = "/healthz", timeout: float = 60.0) -> int:
    """Wait until 127.0.0.1:`port` answers `path`; returns the status it answered."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            conn = HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", path)
            status = conn.getresponse().status
            conn.close()
            return status
        except OSError:
            time.sleep(0.2)
    sys.exit(f"nothing answered on 127.0.0.1:{port} within {timeout:.0f}s")


def stop_group(process: subprocess.Popen, timeout: float = 30.0) -> None:
    """Stop a process started with start_new_session=True, and its children (its own group)."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
