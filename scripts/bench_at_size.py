"""The api part's latencies at size (scripts/bench `api-at-size`): the same three endpoints on a
database that `portal-server generate-data` filled (practice `bench`: 100,000 patients, 20,000
guardians, a million messages), for scripts/bench_api.py.

- SQLite: generated once into target/bench/at-size-KEY.db, KEY a hash of server/src/generate.rs
  and the SQLite migrations; each run copies that file, so every run starts from the same data.
- PostgreSQL: generated into the run's fresh database each time (minutes), then VACUUM ANALYZE
  (see settle_postgres). SQLite gets no ANALYZE: the server never runs one, so a real SQLite
  database has no statistics either, and the plans measured are the ones it would get.
Generating prints the elapsed time and the database's size every 30 s.

Who the requests are for, from generate-data's output: the patient list is that of a generated
guardian (two children) and of a generated adult (their own record), in turn; message posts go
to the guardian's first child and to the adult, each a conversation that already has its
generated messages, in a messages table of a million rows; sign-in code checks are for existing
generated accounts (a different one each), so the account lookup runs over 80,000 accounts.
"""
import glob
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import time

from bench_server import REPO, progress, target_dir

GENERATOR = "server/src/generate.rs"


def source_key():
    """A hash of what the generated SQLite file depends on: the generator and the migrations."""
    h = hashlib.sha256()
    files = [GENERATOR] + sorted(glob.glob("server/migrations/sqlite/*.sql", root_dir=REPO))
    for name in files:
        h.update(name.encode() + b"\0")
        with open(os.path.join(REPO, name), "rb") as f:
            h.update(f.read())
    return h.hexdigest()[:16]


def sqlite_path(url):
    return url[len("sqlite://"):] if url.startswith("sqlite://") else None


def query(url, sql):
    """Rows of a query, as lists of strings (SQLite through Python's sqlite3, PostgreSQL psql)."""
    path = sqlite_path(url)
    if path:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
            return [[str(v) for v in row] for row in db.execute(sql)]
    out = subprocess.run(["psql", "-At", "-F", "\t", "-v", "ON_ERROR_STOP=1", url, "-c", sql],
                         capture_output=True, text=True, check=True).stdout
    return [line.split("\t") for line in out.splitlines()]


def database_size(url):
    path = sqlite_path(url)
    if path:
        return sum(os.path.getsize(p) for p in (path, path + "-wal") if os.path.exists(p))
    return int(query(url, "SELECT pg_database_size(current_database())")[0][0])


def generate(binary, env, url, cwd):
    """migrate and generate-data on `url`; returns generate-data's JSON (with the seconds)."""
    env = dict(env, PORTAL_DATABASE_URL=url)
    subprocess.run([binary, "migrate"], cwd=cwd, env=env, check=True,
                   stdout=subprocess.DEVNULL, stderr=sys.stderr)
    progress("api-at-size: generate-data (100,000 patients, 20,000 guardians, a million messages; "
             "takes minutes)")
    started = time.monotonic()
    proc = subprocess.Popen([binary, "generate-data"], cwd=cwd, env=env,
                            stdout=subprocess.PIPE, stderr=sys.stderr, text=True)
    while True:
        try:
            out, _ = proc.communicate(timeout=30)
            break
        except subprocess.TimeoutExpired:
            progress(f"api-at-size: generating, {time.monotonic() - started:.0f} s, "
                     f"database {database_size(url) / 1e6:.0f} MB")
    if proc.returncode != 0:
        raise RuntimeError(f"generate-data failed with status {proc.returncode}")
    made = json.loads(out)
    made["seconds"] = time.monotonic() - started
    progress(f"api-at-size: generated in {made['seconds']:.0f} s, "
             f"database {database_size(url) / 1e6:.0f} MB")
    return made


def settle_postgres(url):
    """VACUUM ANALYZE after the bulk load, as autovacuum would have done to a database that grew
    over months: else autovacuum does it during the measurement (minutes of CPU and disk on a
    2-core machine) and the first plans are made without statistics."""
    started = time.monotonic()
    subprocess.run(["psql", "-q", "-v", "ON_ERROR_STOP=1", url, "-c", "VACUUM ANALYZE"],
                   check=True, stdout=sys.stderr)
    progress(f"api-at-size: VACUUM ANALYZE in {time.monotonic() - started:.0f} s")


class GeneratedData:
    """bench_api's `data` for the generated practice: prepares each server's database."""
    label = "at size"
    title = "API at size"

    def __init__(self, binary):
        self.binary = binary
        self.made = None
        self.url = None

    def prepare(self, server):
        """Called by bench_server.Server before it migrates, seeds the demo people and serves."""
        self.url = server.database_url
        path = sqlite_path(self.url)
        if not path:
            self.made = generate(self.binary, server._env(), self.url, server.dir)
            settle_postgres(self.url)
            return
        folder = os.path.join(target_dir(), "bench")
        os.makedirs(folder, exist_ok=True)
        cached = os.path.join(folder, f"at-size-{source_key()}.db")
        if not os.path.exists(cached):
            for old in glob.glob(os.path.join(folder, "at-size-*")):
                os.remove(old)  # an earlier generator's file: a few hundred MB each
            fresh = cached + ".new"
            made = generate(self.binary, server._env(), "sqlite://" + fresh, server.dir)
            with sqlite3.connect(fresh) as db:  # everything into the one file, to copy it alone
                db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            with open(cached + ".json", "w") as f:
                json.dump(made, f)
            os.rename(fresh, cached)
            for side in glob.glob(fresh + "-*"):
                os.remove(side)
        with open(cached + ".json") as f:
            self.made = dict(json.load(f), cached=True)
        progress(f"api-at-size: copying {cached} ({os.path.getsize(cached) / 1e6:.0f} MB)")
        shutil.copyfile(cached, path)

    def people(self):
        m = self.made
        child = m["guardian_children"][0]
        guardian = {"name": "a generated guardian", "phone": m["guardian_phone"],
                    "dob": tuple(map(int, child["dob"].split("-"))), "patient": child["first_name"],
                    "practice": m["practice"]}
        adult = {"name": "a generated adult", "phone": m["self_phone"],
                 "dob": tuple(map(int, m["self_dob"].split("-"))), "practice": m["practice"]}
        return [guardian, adult], [guardian, adult]

    def sign_in_numbers(self, count):
        """Phones of existing generated accounts (all numbers in +1 972 6XX XXXX), but not the
        two people signed in already (a second code within 30 s would be refused)."""
        taken = f"'{self.made['guardian_phone']}', '{self.made['self_phone']}'"
        rows = query(self.url, "SELECT phone FROM accounts WHERE phone LIKE '+19726%' "
                               f"AND phone NOT IN ({taken}) ORDER BY phone LIMIT {int(count)}")
        if len(rows) < count:
            raise RuntimeError(f"only {len(rows)} generated accounts for {count} sign-ins")
        return [r[0] for r in rows]

    def facts(self, listing, posting):
        """What the measured requests touch, to show they meet the big data."""
        one = lambda sql: int(query(self.url, sql)[0][0])
        checks = {
            "patients_in_practice": one(
                "SELECT COUNT(*) FROM patients p JOIN practices r ON r.id = p.practice_id "
                f"WHERE r.slug = '{self.made['practice']}'"),
            "accounts": one("SELECT COUNT(*) FROM accounts"),
            "messages": one("SELECT COUNT(*) FROM messages"),
            "patients_listed": [c.patients for c in listing],
            "messages_before_post": [one(
                "SELECT COUNT(*) FROM messages m JOIN conversations c ON c.id = m.conversation_id "
                f"WHERE c.patient_id = '{c.patient_id}'") for c in posting],
        }
        progress("api-at-size: " + ", ".join(f"{k} {v}" for k, v in checks.items()))
        return {"generated": self.made, "checks": checks}
