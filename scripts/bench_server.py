"""A release build of portal-server on a free port with a fresh database, for scripts/bench.

`build()` compiles the server with the `server-release` profile; `Server` (a context manager)
runs `migrate`, `seed-demo` and `serve` against a new SQLite file in a temporary folder (or a
PostgreSQL database URL the caller created), with files and a stub portal in that folder, and
stops the server on exit; a `prepare` function may fill the database first (bench_at_size.py).
`Client` signs a person in through the API (code from the development outbox, then the
date-of-birth check of one of their patients) and keeps the session cookie.
"""
import http.client
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.parse

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PROFILE = "server-release"

PRACTICE = "lakeside"
# Demo people (README "Demo people", seed.rs) whose own patient is at Lakeside: a self patient
# needs no guardian activation, so one date-of-birth check opens their record. A person may also
# name the patient to open by first name ("patient"), e.g. a guardian's child.
DEMO_SELF = [
    {"name": "Maria Lopez", "phone": "+19725550101", "dob": (1985, 4, 12), "practice": PRACTICE},
    {"name": "James Carter", "phone": "+19725550102", "dob": (1982, 11, 5), "practice": PRACTICE},
]


def progress(message):
    print(f"bench: {message}", file=sys.stderr, flush=True)


def load_average():
    """The 1-minute load average: on a 2-core machine anything above 2 is other work competing."""
    return os.getloadavg()[0]


def target_dir():
    if os.environ.get("CARGO_TARGET_DIR"):
        return os.environ["CARGO_TARGET_DIR"]
    out = subprocess.run(["cargo", "metadata", "--format-version", "1", "--no-deps"],
                         cwd=REPO, capture_output=True, text=True, check=True).stdout
    return json.loads(out)["target_directory"]


def build():
    """Builds portal-server with the server-release profile; returns the binary's path."""
    progress(f"building portal-server (--profile {PROFILE})")
    subprocess.run(["cargo", "build", "-p", "portal-server", "--profile", PROFILE],
                   cwd=REPO, check=True, stdout=sys.stderr)
    return os.path.join(target_dir(), PROFILE, "portal-server")


class Server:
    """portal-server in development mode on 127.0.0.1, port chosen by the system."""

    def __init__(self, binary, database_url=None, env=None, prepare=None):
        self.binary = binary
        self.database_url = database_url
        self.extra_env = env or {}
        self.prepare = prepare
        self.proc = None
        self.dir = None

    def _env(self):
        # Only this instance's settings: an inherited PORTAL_* variable (PORTAL_TEST_POSTGRES_URL
        # for one) would be an unknown key and stop the server.
        env = {k: v for k, v in os.environ.items() if not k.startswith("PORTAL_")}
        env.update({
            "PORTAL_MODE": "development",
            "PORTAL_BIND": "127.0.0.1:0",
            "PORTAL_DATABASE_URL": self.database_url,
            "PORTAL_STORAGE_DIR": os.path.join(self.dir, "files"),
            "PORTAL_STATIC_DIR": os.path.join(self.dir, "static"),
            "PORTAL_LOG": "warn,sqlx=error",
        })
        env.update(self.extra_env)
        return env

    def _run(self, *args):
        subprocess.run([self.binary, *args], cwd=self.dir, env=self._env(), check=True,
                       stdout=subprocess.DEVNULL, stderr=sys.stderr)

    def __enter__(self):
        self.dir = tempfile.mkdtemp(prefix="portal-bench-")
        os.makedirs(os.path.join(self.dir, "static"))
        with open(os.path.join(self.dir, "static", "index.html"), "w") as f:
            f.write("<!doctype html><title>bench</title>\n")
        if self.database_url is None:
            self.database_url = "sqlite://" + os.path.join(self.dir, "portal.db")
        if self.prepare:
            self.prepare(self)
        self._run("migrate")
        self._run("seed-demo")
        self.proc = subprocess.Popen([self.binary, "serve"], cwd=self.dir, env=self._env(),
                                     stdout=subprocess.PIPE, stderr=sys.stderr, text=True)
        deadline = time.time() + 60
        self.addr = None
        while time.time() < deadline:
            line = self.proc.stdout.readline()
            if not line:
                break
            m = re.search(r"Portal ready at http://(\S+)", line)
            if m:
                self.addr = m.group(1)
                break
        if not self.addr:
            self.__exit__(None, None, None)
            raise RuntimeError("portal-server did not print its address")
        # Keep reading stdout so the server never blocks on a full pipe.
        subprocess.Popen(["cat"], stdin=self.proc.stdout, stdout=subprocess.DEVNULL)
        self.host, self.port = self.addr.rsplit(":", 1)
        self.port = int(self.port)
        self.pid = self.proc.pid
        return self

    def __exit__(self, *exc):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.dir:
            shutil.rmtree(self.dir, ignore_errors=True)
        return False

    def url(self, path):
        return f"http://{self.addr}{path}"

    def request(self, method, path, body=None, headers=None):
        """One request on a new connection: (status, headers, body bytes)."""
        conn = http.client.HTTPConnection(self.host, self.port, timeout=60)
        try:
            h = dict(headers or {})
            if isinstance(body, (dict, list)):
                body = json.dumps(body).encode()
                h.setdefault("Content-Type", "application/json")
            conn.request(method, path, body=body, headers=h)
            r = conn.getresponse()
            return r.status, r.getheaders(), r.read()
        finally:
            conn.close()

    def outbox(self):
        status, _, body = self.request("GET", "/dev/outbox", headers={"Accept": "application/json"})
        if status != 200:
            raise RuntimeError(f"/dev/outbox answered {status}")
        return json.loads(body)


def code_in(text):
    """The code on the WebOTP line that ends a sign-in text (`@host #123456`)."""
    m = re.search(r"^@\S+ #(\d{6})$", text, re.M)
    return m.group(1) if m else None


def session_cookie(headers):
    for name, value in headers:
        if name.lower() == "set-cookie" and value.startswith("portal_session="):
            return value.split(";", 1)[0]
    return None


class Client:
    """A person signed in through the API, with their own patient (or the one named) verified."""

    def __init__(self, server, person):
        self.server = server
        self.person = person
        status, _, body = server.request("POST", "/api/auth/code", {"phone": person["phone"]})
        if status != 200:
            raise RuntimeError(f"code for {person['name']}: {status} {body[:200]!r}")
        code = next(code_in(m["body"]) for m in server.outbox()
                    if m["channel"] == "sms" and m["to"] == person["phone"])
        status, headers, body = server.request(
            "POST", "/api/auth/verify",
            {"phone": person["phone"], "code": code, "remember_device": False})
        self.cookie = session_cookie(headers)
        if status != 200 or not self.cookie:
            raise RuntimeError(f"sign-in for {person['name']}: {status} {body[:200]!r}")
        self.practice = person["practice"]
        patients = self.get_json(f"/api/practices/{self.practice}/patients")
        if person.get("patient"):
            mine = [p for p in patients if p["first_name"] == person["patient"]]
        else:
            mine = [p for p in patients if p.get("relationship", p.get("role")) == "self"] or patients
        if not mine:
            raise RuntimeError(f"no patient to open for {person['name']} among {len(patients)}")
        self.patients = len(patients)
        self.patient_id = mine[0]["id"]
        y, m, d = person["dob"]
        status, _, body = self.call("POST", f"/api/patients/{self.patient_id}/verify-dob",
                                    {"dob": {"month": str(m), "day": str(d), "year": str(y)}})
        if status != 200:
            raise RuntimeError(f"date-of-birth check for {person['name']}: {status} {body[:200]!r}")

    def call(self, method, path, body=None, headers=None):
        h = {"Cookie": self.cookie, **(headers or {})}
        return self.server.request(method, path, body, h)

    def get_json(self, path):
        status, _, body = self.call("GET", path)
        if status != 200:
            raise RuntimeError(f"GET {path}: {status} {body[:200]!r}")
        return json.loads(body)


def postgres_database(admin_url):
    """Creates a fresh database next to admin_url's; returns (url, drop function)."""
    name = f"portal_bench_{os.getpid()}"
    parts = urllib.parse.urlsplit(admin_url)
    url = urllib.parse.urlunsplit(parts._replace(path="/" + name))
    subprocess.run(["psql", "-q", "-v", "ON_ERROR_STOP=1", admin_url, "-c", f'CREATE DATABASE "{name}"'],
                   check=True, stdout=sys.stderr)

    def drop():
        subprocess.run(["psql", "-q", admin_url, "-c", f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'],
                       stdout=sys.stderr, stderr=sys.stderr)
    return url, drop
