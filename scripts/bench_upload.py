"""Upload throughput and the server's peak memory (SPEC 3.8.5, section 6), for scripts/bench.

Against a release server with a fresh SQLite database: a demo patient (Maria Lopez) signs in
and checks her date of birth, then uploads FILES files at once, each over its own connection
(`curl --data-binary`, one process per file) to `POST /api/patients/{id}/attachments`, first
of 1 MB (twice: a warm-up, then measured), then of 10 MB. Each file is a PDF by its first bytes
(`%PDF-1.7`) followed by random bytes: the server decides the type from the first bytes only.

Memory: the server's resident set, VmRSS sampled every 20 ms during each batch, and VmHWM (the
kernel's high-water mark, reset with `echo 5 > /proc/PID/clear_refs` before each batch). The
rule: the peak with 10 MB files stays within MARGIN of the peak with 1 MB files, i.e. memory
does not grow with file size.
"""
import os
import subprocess
import tempfile
import threading
import time

from bench_server import Client, DEMO_SELF, Server, load_average, progress

FILES = 16
MB = 1024 * 1024
MARGIN = 16 * MB


def status_kb(pid, field):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    raise RuntimeError(f"{field} not in /proc/{pid}/status")


class MemorySampler:
    """Largest VmRSS seen every 20 ms, and VmHWM (reset at start) at the end."""

    def __init__(self, pid):
        self.pid = pid

    def __enter__(self):
        try:
            with open(f"/proc/{self.pid}/clear_refs", "w") as f:
                f.write("5")
            self.hwm_reset = True
        except OSError:
            self.hwm_reset = False
        self.peak_rss = status_kb(self.pid, "VmRSS")
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._sample, daemon=True)
        self.thread.start()
        return self

    def _sample(self):
        while not self.stop.wait(0.02):
            self.peak_rss = max(self.peak_rss, status_kb(self.pid, "VmRSS"))

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join()
        self.peak_rss = max(self.peak_rss, status_kb(self.pid, "VmRSS"))
        self.hwm = status_kb(self.pid, "VmHWM")
        self.peak = max(self.peak_rss, self.hwm) if self.hwm_reset else self.peak_rss
        return False


def make_files(folder, size, count):
    paths = []
    for i in range(count):
        path = os.path.join(folder, f"bench-{size // MB}mb-{i}.pdf")
        with open(path, "wb") as f:
            f.write(b"%PDF-1.7\n")
            f.write(os.urandom(size - 9))
        paths.append(path)
    return paths


def upload_batch(server, client, paths):
    """All files at once, one curl each; returns (seconds, statuses)."""
    url = server.url(f"/api/patients/{client.patient_id}/attachments")
    start = time.monotonic()
    procs = [subprocess.Popen(
        ["curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}", "-X", "POST",
         "--data-binary", "@" + p, "-H", "Content-Type: application/pdf", "-H", "Expect:",
         "-H", "X-File-Name: " + os.path.basename(p), "-H", "Cookie: " + client.cookie, url],
        stdout=subprocess.PIPE, text=True) for p in paths]
    statuses = [p.communicate()[0].strip() for p in procs]
    return time.monotonic() - start, statuses


def run(binary):
    """Returns the measurements (bytes, seconds) as a dict."""
    result = {"files": FILES, "margin_bytes": MARGIN, "batches": {}}
    with Server(binary) as server, tempfile.TemporaryDirectory(prefix="portal-bench-files-") as folder:
        progress(f"upload: server pid {server.pid} at {server.addr} (SQLite); signing in")
        client = Client(server, DEMO_SELF[0])
        time.sleep(1)
        with MemorySampler(server.pid) as idle:
            time.sleep(1)
        result["idle_bytes"] = idle.peak
        result["load_average_before"] = load_average()
        for label, size, measured in (("1mb-warmup", MB, False), ("1mb", MB, True), ("10mb", 10 * MB, True)):
            paths = make_files(folder, size, FILES)
            progress(f"upload: {FILES} x {size // MB} MB at once{'' if measured else ' (warm-up)'}")
            with MemorySampler(server.pid) as mem:
                seconds, statuses = upload_batch(server, client, paths)
            for p in paths:
                os.remove(p)
            ok = sum(s == "201" for s in statuses)
            result["batches"][label] = {
                "file_bytes": size, "seconds": seconds, "uploaded": ok,
                "failed": [s for s in statuses if s != "201"],
                "mb_per_s": FILES * size / MB / seconds,
                "peak_rss_bytes": mem.peak_rss, "peak_hwm_bytes": mem.hwm if mem.hwm_reset else None,
                "peak_bytes": mem.peak,
            }
            progress(f"upload: {ok}/{FILES} stored in {seconds:.2f} s, peak {mem.peak / MB:.1f} MB")
    return result


def rows(result):
    """Table rows: figure, measured, budget, ok."""
    b1, b10 = result["batches"]["1mb"], result["batches"]["10mb"]
    n = result["files"]
    limit = b1["peak_bytes"] + result["margin_bytes"]
    out = [
        {"figure": "upload: server memory at rest (VmRSS)", "measured": f"{result['idle_bytes'] / MB:.1f} MB",
         "budget": "-", "ok": None, "value": result["idle_bytes"]},
    ]
    for label, b in (("1 MB", b1), ("10 MB", b10)):
        failed = f", {len(b['failed'])} failed {sorted(set(b['failed']))}" if b["failed"] else ""
        out.append({"figure": f"upload: {n} x {label} at once, throughput", "measured":
                    f"{b['mb_per_s']:.0f} MB/s ({b['seconds']:.2f} s{failed})", "budget": "all stored",
                    "ok": not b["failed"], "value": b["mb_per_s"]})
    out.append({"figure": f"upload: server peak memory, {n} x 1 MB", "measured": f"{b1['peak_bytes'] / MB:.1f} MB",
                "budget": "-", "ok": None, "value": b1["peak_bytes"]})
    out.append({"figure": f"upload: server peak memory, {n} x 10 MB", "measured": f"{b10['peak_bytes'] / MB:.1f} MB",
                "budget": f"<= 1 MB peak + {result['margin_bytes'] // MB} MB = {limit / MB:.1f} MB",
                "ok": b10["peak_bytes"] <= limit, "value": b10["peak_bytes"]})
    return out
