"""Lighthouse scores of two portal pages (SPEC 6: mobile performance >= 95, accessibility 100),
for scripts/bench.

A release server (bench_server.Server) with a fresh SQLite database and the demo data serves the
real dist/ (PORTAL_STATIC_DIR, with its precompressed .br files, as in production). Pages:
- sign-in: `/sign-in`, signed out;
- messages: `/patients/{id}/messages` of Maria Lopez (the demo patient with a practice message
  waiting), signed in through the API (code, then date of birth) beforehand; before the run the
  browser gets her session cookie, the portal's "this device signed in" flag (localStorage) and
  her patient as chosen in this tab (sessionStorage), as after choosing her from the list
  (bench_lighthouse.mjs: Lighthouse's CLI can only add a Cookie header, and without the flag
  the portal does not ask about a session).
Each page is measured as a phone (Lighthouse's default: mobile emulation, simulated slow 4G and
4x CPU slowdown) and as a desktop (its desktop preset, as `--preset=desktop`), RUNS times each; the row shows the
median performance score and the metrics of that median run, and accessibility as the lowest of
the runs. Lighthouse 12 (npm, pinned in scripts/setup-tools, in .tools/lighthouse) drives
Debian's /usr/bin/chromium: it never downloads a browser. The report of each median run is kept
in target/bench/lighthouse/ (open it in https://googlechrome.github.io/lighthouse/viewer/ or
read the JSON) to see what costs the points.
"""
import json
import os
import shutil
import subprocess
import tempfile

from bench_server import Client, DEMO_SELF, PRACTICE, Server, load_average, progress

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DIST = os.path.join(REPO, "dist")
MODULES = os.path.join(REPO, ".tools", "lighthouse", "node_modules")
RUNNER = os.path.join(REPO, "scripts", "bench_lighthouse.mjs")
REPORTS = os.path.join(REPO, "target", "bench", "lighthouse")
CHROME = "/usr/bin/chromium"
# The localStorage key by which the portal knows this device signed in (src/session.rs).
SESSION_FLAG = "portal.session"
# The sessionStorage key of the patient chosen in this tab, [practice slug, patient] (src/patients.rs).
PATIENT_KEY = "portal.patient"
# No sandbox: the bench may run as root in a container. The rest keeps Chromium from talking to
# Google's services (there is no internet here, and the traffic would be measured as noise).
CHROME_FLAGS = ("--headless=new --no-sandbox --disable-background-networking --disable-component-update "
                "--disable-sync --disable-quic --no-first-run")
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")  # as in bench_lighthouse.mjs
METRICS = {  # audit id -> short name
    "first-contentful-paint": "FCP",
    "largest-contentful-paint": "LCP",
    "total-blocking-time": "TBT",
    "cumulative-layout-shift": "CLS",
    "speed-index": "SI",
}
FORM_FACTORS = ("mobile", "desktop")
LABELS = {"sign-in": "/sign-in", "messages": "/patients/{id}/messages"}  # in the table
RUNS = 3
BUDGET_PERFORMANCE = 95
BUDGET_ACCESSIBILITY = 100
# One run takes 10-30 s on two busy cores; a run that hangs is stopped.
RUN_TIMEOUT = 180


def lighthouse(url, form_factor, out_path, state=None):
    """One Lighthouse run of url (bench_lighthouse.mjs) with the browser state given (cookies,
    localStorage, sessionStorage); returns its result (the LHR) as a dict."""
    command = ["node", RUNNER, MODULES, url, form_factor, out_path, json.dumps(state or {})]
    env = dict(os.environ, CHROME_PATH=CHROME, CHROME_FLAGS=CHROME_FLAGS)
    done = subprocess.run(command, env=env, timeout=RUN_TIMEOUT, stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"Lighthouse on {url} ({form_factor}) failed:\n{done.stderr[-2000:]}")
    with open(out_path, encoding="utf-8") as f:
        return json.load(f)


def measure(url, form_factor, out_path, state):
    """One run, summarised; tried once more when Lighthouse fails (on a busy machine it now and
    then loses the trace: NO_NAVSTART, or a protocol timeout)."""
    for attempt in (1, 2):
        try:
            return summary(lighthouse(url, form_factor, out_path, state))
        except (RuntimeError, subprocess.TimeoutExpired) as error:
            if attempt == 2:
                raise
            progress(f"lighthouse: {form_factor} {url} failed, once more: {str(error).splitlines()[0]}")


def summary(lhr):
    """Scores (0-100), metrics (ms; CLS unitless) and what costs points, from one LHR."""
    if lhr.get("runtimeError"):
        raise RuntimeError(f"Lighthouse: {lhr['runtimeError'].get('message')}")
    audits = lhr["audits"]
    scores = {k: round(100 * c["score"]) if c.get("score") is not None else None
              for k, c in lhr["categories"].items()}
    metrics = {name: audits[key].get("numericValue") for key, name in METRICS.items() if key in audits}
    failing = []
    for key, category in lhr["categories"].items():
        for ref in category["auditRefs"]:
            a = audits[ref["id"]]
            # Performance metrics carry weight; the other audits of the performance category
            # (opportunities, diagnostics) weigh 0 but say why a metric is slow.
            if a.get("score") is None or a["score"] >= 0.9 or a.get("scoreDisplayMode") in ("notApplicable", "manual", "informative"):
                continue
            failing.append({"category": key, "id": ref["id"], "title": a["title"], "score": a["score"],
                            "weight": ref.get("weight", 0), "display": a.get("displayValue", ""),
                            "items": item_labels(a)})
    failing.sort(key=lambda f: (CATEGORIES.index(f["category"]) if f["category"] in CATEGORIES else 9,
                                -f["weight"], f["score"]))
    return {"scores": scores, "metrics": metrics, "failing": failing,
            "final_url": lhr.get("finalDisplayedUrl"),
            "benchmark_index": lhr.get("environment", {}).get("benchmarkIndex"),
            "warnings": lhr.get("runWarnings", [])}


def item_labels(audit, limit=5):
    """Short labels of an audit's items (elements, URLs), to say where it fails."""
    labels = []
    for item in (audit.get("details") or {}).get("items", [])[:limit]:
        if not isinstance(item, dict):
            continue
        node = item.get("node") or {}
        label = node.get("snippet") or node.get("selector") or item.get("url") or item.get("label") or ""
        if node.get("explanation"):
            label += " -- " + node["explanation"].replace("\n", " ")
        if label:
            labels.append(label[:300])
    return labels


def run(binary):
    """Both pages, both form factors, RUNS runs each; returns the summaries as a dict."""
    if not os.path.isdir(os.path.join(MODULES, "lighthouse")):
        raise SystemExit(f"Lighthouse not found in {MODULES}: run scripts/setup-tools")
    if not os.path.isfile(os.path.join(DIST, "index.html")):
        raise SystemExit("dist/index.html not found: run scripts/build-portal")
    os.makedirs(REPORTS, exist_ok=True)
    result = {"runs": RUNS, "budget_performance": BUDGET_PERFORMANCE,
              "budget_accessibility": BUDGET_ACCESSIBILITY, "pages": {}}
    with Server(binary, env={"PORTAL_STATIC_DIR": DIST}) as server, \
            tempfile.TemporaryDirectory(prefix="portal-bench-lh-") as tmp:
        client = Client(server, DEMO_SELF[0])
        name, value = client.cookie.split("=", 1)
        # As her browser holds it after choosing her patient from Lakeside's list.
        chosen = next(p for p in client.get_json(f"/api/practices/{PRACTICE}/patients")
                      if p["id"] == client.patient_id)
        signed_in = {"cookies": {name: value}, "localStorage": {SESSION_FLAG: "1"},
                     "sessionStorage": {PATIENT_KEY: json.dumps([PRACTICE, chosen])}}
        pages = {
            "sign-in": ("/sign-in", None),
            "messages": (f"/patients/{client.patient_id}/messages", signed_in),
        }
        result["load_average_before"] = load_average()
        progress(f"lighthouse: server pid {server.pid} at {server.addr} serving {DIST}; "
                 f"{len(pages) * len(FORM_FACTORS) * RUNS} runs")
        for page, (path, state) in pages.items():
            for form_factor in FORM_FACTORS:
                runs = []
                for i in range(RUNS):
                    out = os.path.join(tmp, f"{page}-{form_factor}-{i}.json")
                    s = measure(server.url(path), form_factor, out, state)
                    # A signed-in page that ends elsewhere (the sign-in page) measured the wrong
                    # thing: the session did not reach the portal.
                    if not (s["final_url"] or "").endswith(path):
                        raise RuntimeError(f"Lighthouse on {path} ended at {s['final_url']}")
                    s["report"] = out
                    runs.append(s)
                    progress(f"lighthouse: {page} {form_factor} run {i + 1}/{RUNS}: "
                             + ", ".join(f"{k} {v}" for k, v in s["scores"].items()))
                # The median run by performance score (RUNS is odd); its report is kept.
                median = sorted(runs, key=lambda s: s["scores"]["performance"])[len(runs) // 2]
                kept = os.path.join(REPORTS, f"{page}-{form_factor}.json")
                shutil.move(median.pop("report"), kept)
                for s in runs:
                    s.pop("report", None)
                result["pages"].setdefault(page, {"path": path})[form_factor] = {
                    "performance_runs": [s["scores"]["performance"] for s in runs],
                    "accessibility_runs": [s["scores"]["accessibility"] for s in runs],
                    "median": median, "report": os.path.relpath(kept, REPO),
                }
                report_failing(page, form_factor, median)
    return result


def report_failing(page, form_factor, median):
    """What costs points in the median run, on stderr."""
    if not median["failing"]:
        return
    progress(f"lighthouse: {page} {form_factor}, audits below 0.9 (median run):")
    for f in median["failing"]:
        weight = f", weight {f['weight']:.0f}" if f["weight"] else ""
        display = f" ({f['display']})" if f["display"] else ""
        progress(f"  [{f['category']}] {f['id']}: score {f['score']:.2f}{weight}{display}")
        for label in f["items"]:
            progress(f"      {label}")


def metrics_text(m):
    def ms(v):
        return "-" if v is None else f"{v / 1000:.1f} s" if v >= 1000 else f"{v:.0f} ms"
    cls = m.get("CLS")
    return (f"FCP {ms(m.get('FCP'))}, LCP {ms(m.get('LCP'))}, TBT {ms(m.get('TBT'))}, "
            f"CLS {'-' if cls is None else f'{cls:.3f}'}")


def rows(result):
    """Table rows: per page and form factor, performance, accessibility, best practices and SEO."""
    # Lighthouse's CPU benchmark (higher is faster) shows how busy the machine was while measuring:
    # simulated throttling scales the CPU time it observes.
    index = [f[ff]["median"]["benchmark_index"] for f in result["pages"].values() for ff in FORM_FACTORS]
    index = [round(i) for i in index if i]
    out = [{"figure": "Lighthouse: load average before (2 cores); CPU benchmark index",
            "measured": f"{result['load_average_before']:.2f}; "
                        + (f"{min(index)}-{max(index)}" if index else "-"),
            "budget": "-", "ok": None, "value": result["load_average_before"]}]
    for page, forms in result["pages"].items():
        for form_factor in FORM_FACTORS:
            r = forms[form_factor]
            median = r["median"]
            perf = median["scores"]["performance"]
            access = min(r["accessibility_runs"])
            name = f"Lighthouse {form_factor} {LABELS[page]}"
            out.append({
                "figure": f"{name}: performance",
                "measured": f"{perf} (median of {', '.join(map(str, r['performance_runs']))}); "
                            + metrics_text(median["metrics"]),
                "budget": f">= {result['budget_performance']}",
                "ok": perf >= result["budget_performance"], "value": perf,
            })
            out.append({
                "figure": f"{name}: accessibility",
                "measured": f"{access}" + ("" if len(set(r["accessibility_runs"])) == 1
                                           else f" (lowest of {', '.join(map(str, r['accessibility_runs']))})"),
                "budget": f"{result['budget_accessibility']}",
                "ok": access >= result["budget_accessibility"], "value": access,
            })
            s = median["scores"]
            out.append({
                "figure": f"{name}: best practices / SEO",
                "measured": f"{s.get('best-practices')} / {s.get('seo')}",
                "budget": "-", "ok": None, "value": [s.get("best-practices"), s.get("seo")],
            })
    return out
