"""API latency at a fixed request rate (SPEC 6: p99 under 10 ms at 1,000 requests/s on a 2-core
machine with SQLite), for scripts/bench.

Load generator: wrk (Debian package) with a Lua script. wrk itself keeps each connection busy
(closed loop); the script paces it: every request has a slot on a fixed schedule (RATE per second
over all connections, `delay()`), and each request has its own body, so message posts carry a new
`client_key` each and sign-ins a new number with its own code. Latency is measured by wrk from
the moment a request is written to its answer, not from its slot: a request is late for its slot
only when all CONNECTIONS are busy, and then the achieved rate falls below RATE (reported), as
with `hey -q`. The generator runs on the same machine as the server and takes CPU from it.

The people and data come from a `data` object: `DemoData` here (the demo people of seed-demo on
an otherwise empty database), or bench_at_size.GeneratedData (the practice generate-data fills:
100,000 patients, 20,000 guardians, a million messages). Its `label` names the rows.

Endpoints, each for DURATION seconds (as for the demo data; at size see bench_at_size.py):
- sign-in code check: `POST /api/auth/verify` with the right code for a number that asked for one
  (a new number each: the code lookup, its keyed hash, marking it used, creating the account and
  the session). Codes are asked for beforehand, outside the measurement; the per-address limit
  on asking for codes (20 per hour by default) is raised for this server only with
  PORTAL_SIGN_IN_CODES_PER_IP_PER_HOUR. A wrong code would be cheaper and unrealistic: five wrong
  codes burn a number's code (SPEC 3.1.3).
- patient list: `GET /api/practices/lakeside/patients`, the sessions of two demo people in turn.
- message post: `POST /api/patients/{id}/messages`, two demo patients (each verified) in turn,
  a new `client_key` each (the same key would only find the first message again).
Answers other than 2xx count as errors (wrk counts status >= 400; 3xx are not expected here).
"""
import json
import math
import os
import subprocess
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor

from bench_server import (Client, DEMO_SELF, Server, code_in, load_average, postgres_database,
                          progress)

CONNECTIONS = 32
THREADS = 2
BUDGET_P99_MS = 10.0

WRK_SCRIPT = r"""
-- Paced wrk: request k of a thread is due at start + k * interval; bodies from a file.
local ffi = require("ffi")
ffi.cdef[[
typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
int clock_gettime(int clk_id, bench_timespec *tp);
]]
local ts = ffi.new("bench_timespec")
local function now_ms()
  ffi.C.clock_gettime(1, ts)
  return tonumber(ts.tv_sec) * 1000 + tonumber(ts.tv_nsec) / 1e6
end

local counter = 0
function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
end

local requests = {}
local sent, slot, interval, start = 0, 0, 1, nil

function init(args)
  local path, rate, nthreads = args[1], tonumber(args[2]), tonumber(args[3])
  interval = 1000 * nthreads / rate
  local i = 0
  for line in io.lines(path) do
    if i % nthreads == id then
      local method, url, cookie, body = line:match("^(%S+)\t(%S+)\t([^\t]*)\t(.*)$")
      local headers = {}
      if cookie ~= "" then headers["Cookie"] = cookie end
      if body ~= "" then headers["Content-Type"] = "application/json" else body = nil end
      requests[#requests + 1] = wrk.format(method, url, headers, body)
    end
    i = i + 1
  end
end

function delay()
  local t = now_ms()
  if start == nil then start = t end
  local due = start + slot * interval
  slot = slot + 1
  if due > t then return math.floor(due - t) end
  return 0
end

function request()
  sent = sent + 1
  return requests[(sent - 1) % #requests + 1]
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests":%d,"duration_us":%d,"status_errors":%d,"connect_errors":%d,' ..
    '"read_errors":%d,"write_errors":%d,"timeouts":%d,"p50_us":%d,"p90_us":%d,"p99_us":%d,' ..
    '"max_us":%d,"mean_us":%.1f}\n',
    summary.requests, summary.duration, e.status, e.connect, e.read, e.write, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
    latency.mean))
end
"""


def wrk(server, script, lines, rate, duration, folder, name, connections=CONNECTIONS):
    path = os.path.join(folder, name + ".tsv")
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")
    cmd = ["wrk", f"-t{THREADS}", f"-c{connections}", f"-d{duration}s", "--timeout", "5s",
           "-s", script, server.url("/"), "--", path, str(rate), str(THREADS)]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    line = next(l for l in out.splitlines() if l.startswith("BENCH_JSON "))
    r = json.loads(line[len("BENCH_JSON "):])
    r["errors"] = sum(r[k] for k in ("status_errors", "connect_errors", "read_errors", "write_errors", "timeouts"))
    r["rate"] = r["requests"] / (r["duration_us"] / 1e6)
    r["target_rate"] = rate
    r["load_average_after"] = load_average()
    r["command"] = " ".join(cmd[:8]) + " URL -- requests.tsv RATE THREADS"
    return r


class DemoData:
    """The demo people at Lakeside (seed-demo); each sign-in is a new number, so a new account."""
    label = "demo data"
    title = "API"
    prepare = None  # the server's own migrate and seed-demo are all it needs

    def people(self):
        """(people whose sessions list patients, people who post to their patient)."""
        return DEMO_SELF, DEMO_SELF

    def sign_in_numbers(self, count):
        return [f"+1469{200 + i // 10000:03d}{i % 10000:04d}" for i in range(count)]

    def facts(self, clients, posting):
        return {}


def ask_codes(server, numbers):
    """Asks for a code for each number; returns [(number, code)]. The outbox shows the newest
    200 texts, so codes are read after every 190."""
    count = len(numbers)
    found = {}

    def ask(number):
        status, _, body = server.request("POST", "/api/auth/code", {"phone": number})
        if status != 200:
            raise RuntimeError(f"asking for a code: {status} {body[:200]!r}")

    with ThreadPoolExecutor(max_workers=8) as pool:
        for i in range(0, count, 190):
            batch = numbers[i:i + 190]
            list(pool.map(ask, batch))
            wanted = set(batch)
            for m in server.outbox():
                if m["channel"] == "sms" and m["to"] in wanted and m["to"] not in found:
                    found[m["to"]] = code_in(m["body"])
    missing = [n for n in numbers if not found.get(n)]
    if missing:
        raise RuntimeError(f"no code in the outbox for {len(missing)} numbers")
    return [(n, found[n]) for n in numbers]


def run_one(binary, database, database_url, rate, duration, connections=CONNECTIONS, data=None):
    """The three endpoints against one server; returns {endpoint: wrk result}."""
    data = data or DemoData()
    env = {"PORTAL_SIGN_IN_CODES_PER_IP_PER_HOUR": "1000000"}
    results = {"data": data.label}
    name = f"{data.title} ({database})"
    with Server(binary, database_url, env, data.prepare) as server, \
            tempfile.TemporaryDirectory(prefix="portal-bench-api-") as folder:
        script = os.path.join(folder, "paced.lua")
        with open(script, "w") as f:
            f.write(WRK_SCRIPT)
        listing, posting = data.people()
        people = {p["phone"]: p for p in listing + posting}  # each signs in once
        progress(f"{name}: server pid {server.pid} at {server.addr}; signing in "
                 + ", ".join(p["name"] for p in people.values()))
        clients = {phone: Client(server, p) for phone, p in people.items()}
        listing = [clients[p["phone"]] for p in listing]
        posting = [clients[p["phone"]] for p in posting]
        results.update(data.facts(listing, posting))
        total = int(math.ceil(rate * duration * 1.2)) + 100
        if total > 60_000:
            raise SystemExit("bench: --rate x --duration above 50,000 requests: too many sign-in codes to ask for")

        results["load_average_before"] = load_average()
        progress(f"{name}: load average {results['load_average_before']:.2f}; "
                 f"patient list, {rate}/s for {duration} s")
        lines = [f"GET\t/api/practices/{c.practice}/patients\t{c.cookie}\t" for c in listing]
        results["patient_list"] = wrk(server, script, lines, rate, duration, folder, "list", connections)

        progress(f"{name}: message post, {rate}/s for {duration} s")
        lines = []
        for i in range(total):
            c = posting[i % len(posting)]
            body = json.dumps({"body": f"Benchmark message {i}", "client_key": f"bench-{i:08d}"})
            lines.append(f"POST\t/api/patients/{c.patient_id}/messages\t{c.cookie}\t{body}")
        results["message_post"] = wrk(server, script, lines, rate, duration, folder, "post", connections)

        progress(f"{name}: asking for {total} sign-in codes (not measured)")
        started = time.monotonic()
        codes = ask_codes(server, data.sign_in_numbers(total))
        progress(f"{name}: codes ready in {time.monotonic() - started:.0f} s; "
                 f"sign-in code check, {rate}/s for {duration} s")
        lines = [f"POST\t/api/auth/verify\t\t" + json.dumps({"phone": n, "code": c, "remember_device": True})
                 for n, c in codes]
        results["sign_in"] = wrk(server, script, lines, rate, duration, folder, "verify", connections)
        for key in NAMES:
            r = results[key]
            progress(f"{name}: {key}: p50 {r['p50_us'] / 1000:.2f} ms, p99 {r['p99_us'] / 1000:.2f} ms, "
                     f"{r['rate']:.0f}/s, {r['errors']} errors")
    return results


def run(binary, rate, duration, postgres_url=None, connections=CONNECTIONS, data=None):
    data = data or DemoData()
    out = {"data": data.label, "title": data.title, "rate": rate, "duration_s": duration,
           "connections": connections, "threads": THREADS, "budget_p99_ms": BUDGET_P99_MS,
           "databases": {}}
    out["databases"]["SQLite"] = run_one(binary, "SQLite", None, rate, duration, connections, data)
    if postgres_url:
        url, drop = postgres_database(postgres_url)
        try:
            out["databases"]["PostgreSQL"] = run_one(binary, "PostgreSQL", url, rate, duration,
                                                     connections, data)
        finally:
            drop()
    return out


NAMES = {
    "sign_in": "sign-in code check (POST /api/auth/verify)",
    "patient_list": "patient list (GET .../patients)",
    "message_post": "message post (POST .../messages)",
}


def rows(result):
    out = []
    rate = result["rate"]
    title = result.get("title", "API")
    for database, endpoints in result["databases"].items():
        if "generated" in endpoints:
            g = endpoints["generated"]
            out.append({"figure": f"{title}, {database}: data generated",
                        "measured": f"{g['patients']:,} patients, {g['guardians']:,} guardians, "
                                    f"{g['messages']:,} messages in {g['seconds']:.0f} s"
                                    + (" (earlier; a copy of the cached file)" if g.get("cached") else ""),
                        "budget": "-", "ok": None, "value": g["seconds"]})
        out.append({"figure": f"{title}, {database}: load average before (2 cores)",
                    "measured": f"{endpoints['load_average_before']:.2f}", "budget": "-", "ok": None,
                    "value": endpoints["load_average_before"]})
        for key in ("sign_in", "patient_list", "message_post"):
            r = endpoints[key]
            p99 = r["p99_us"] / 1000
            ok = p99 < result["budget_p99_ms"] and r["errors"] == 0 and r["rate"] >= 0.95 * rate
            out.append({
                "figure": f"{title} {NAMES[key]}, {database}",
                "measured": f"p99 {p99:.2f} ms, p50 {r['p50_us'] / 1000:.2f} ms, "
                            f"{r['rate']:.0f}/s, {r['errors']} errors",
                "budget": f"p99 < {result['budget_p99_ms']:g} ms at {rate:,}/s (>= 95% reached), no errors",
                "ok": ok, "value": p99,
            })
    return out
