#!/usr/bin/env python3
"""Benchmark `timeline links` against local web servers that answer every request after a delay.

Writes a site whose sources cite N addresses spread over H hosts (ports of 127.0.0.1: the checker
counts each as its own host, as it would count real sites), runs `timeline links --all` as a whole
process several times and prints the medians; then once more without --all, when every address is
taken from the cache. Nothing leaves the loopback address. Timings are never asserted in tests.

    python scripts/bench_links.py                       # 500 addresses, 50 ms, 20 hosts and 1 host
    python scripts/bench_links.py --urls 500 --latency 0.05 --hosts 20 --runs 5
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def serve(hosts: int, latency: float) -> list[ThreadingHTTPServer]:
    class Slow(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_HEAD(self):
            time.sleep(latency)
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    servers = []
    for _ in range(hosts):
        httpd = ThreadingHTTPServer(("127.0.0.1", 0), Slow)
        httpd.daemon_threads = True
        httpd.request_queue_size = 64
        threading.Thread(target=httpd.serve_forever, daemon=True).start()
        servers.append(httpd)
    return servers


def site(dest: Path, urls: list[str]) -> Path:
    src = dest / "site_src"
    (src / "events").mkdir(parents=True)
    (src / "site.yaml").write_text((ROOT / "tests/fixtures/good/site_src/site.yaml").read_text(encoding="utf-8"),
                                   encoding="utf-8")
    lines = []
    for i, url in enumerate(urls):
        lines += [f"page-{i:04d}:", "  type: webpage", f"  title: Page {i}", f"  URL: {url}", "  accessed: 2026-11-30"]
    (src / "sources.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    cites = "; ".join(f"@page-{i:04d}" for i in range(len(urls)))
    (src / "events/1700-bench.yaml").write_text(
        f"title: Bench\ndate: 1700\nthemes: [diplomacy]\nsignificance: minor\nsummary: Cited [{cites}].\n",
        encoding="utf-8")
    return src


# `timeline links` as the command runs it, but asking private addresses: the servers are on 127.0.0.1.
LINKS = ("import sys; from timeline.cli import make_parser; from timeline.links import cmd_links; "
         "from timeline.linkcheck import Settings; "
         "sys.exit(cmd_links(make_parser().parse_args(sys.argv[1:]), Settings(allow_private=True)))")


def run(src: Path, *extra: str) -> tuple[float, float]:
    """Wall-clock and CPU seconds (user + system) of one whole process."""
    env = dict(os.environ, PYTHONPATH=str(ROOT), NO_PROXY="127.0.0.1,localhost")
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", LINKS, "links", "--src", str(src), *extra],
                          capture_output=True, text=True, env=env)
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    if proc.returncode != 0 or " 0 broken" not in proc.stdout:
        sys.exit(f"timeline links failed ({proc.returncode}):\n{proc.stdout}{proc.stderr}")
    return seconds, cpu


def medians(runs: list[tuple[float, float]]) -> str:
    return (f"{statistics.median(r[0] for r in runs):.2f} s "
            f"(CPU {statistics.median(r[1] for r in runs):.2f} s)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--urls", type=int, default=500)
    parser.add_argument("--latency", type=float, default=0.05, help="seconds before each answer (default 0.05)")
    parser.add_argument("--hosts", type=int, nargs="+", default=[20, 1], help="hosts to spread them over")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    print(f"timeline links: {args.urls} addresses, {args.latency * 1000:.0f} ms per answer, medians of "
          f"{args.runs} runs (whole processes)")
    for hosts in args.hosts:
        servers = serve(hosts, args.latency)
        try:
            urls = [f"http://127.0.0.1:{servers[i % hosts].server_address[1]}/page/{i}" for i in range(args.urls)]
            with tempfile.TemporaryDirectory() as tmp:
                src = site(Path(tmp), urls)
                run(src, "--all")   # warm-up
                fresh = medians([run(src, "--all") for _ in range(args.runs)])
                cached = medians([run(src) for _ in range(args.runs)])
        finally:
            for httpd in servers:
                httpd.shutdown()
                httpd.server_close()
        print(f"  {hosts:>3} host{'s' * (hosts != 1)}: every address fetched {fresh}; "
              f"all from the cache {cached}")


if __name__ == "__main__":
    main()
