#!/usr/bin/env python3
"""Benchmark the generator: cold build, warm (unchanged) rebuild, check, preview edit-to-reload, PDF.

Generates N events deterministically (real theme and era ids from site_src/site.yaml, real source
keys, citations in the text), runs each command as a whole process several times, and prints
medians, peak memory (max RSS) and pages written. Timings are never asserted in tests.

    python scripts/bench.py --events 1000 10000 --runs 5
    python scripts/bench.py --events 10000 --runs 3 --hugo   # with Hugo on the same events, same runs
    python scripts/bench.py --bundled            # the bundled site, interpreter start included
    python scripts/bench.py --reload --events 2000 10000
    python scripts/bench.py --pdf
"""

from __future__ import annotations

import argparse
import os
import re
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import yaml  # noqa: E402

WORDS = ("treaty border caravan envoy railway alliance tea fur river garrison mission embassy trade "
         "frontier protocol convention delegation steppe harbour pipeline exercise summit").split()


def generate(dest: Path, n: int, seed: int = 1689, languages: list[str] | None = None) -> Path:
    """Write a site with n events into dest/site_src (deterministic for a given n and seed), in the
    given languages of site_src/site.yaml (default: all of them)."""
    rng = random.Random(seed)
    src = dest / "site_src"
    (src / "events").mkdir(parents=True, exist_ok=True)
    site = yaml.safe_load((ROOT / "site_src" / "site.yaml").read_text(encoding="utf-8"))
    if languages:
        site["languages"] = [lang for lang in site["languages"] if lang["code"] in languages]
    (src / "site.yaml").write_text(yaml.safe_dump(site, allow_unicode=True, sort_keys=False), encoding="utf-8")
    themes = [t["id"] for t in site["themes"]]
    keys = [f"source-{i:03d}" for i in range(200)]
    sources = {key: {"type": "book", "title": f"A history of the frontier, volume {i}",
                     "author": [{"family": f"Author{i}", "given": "Anna"}], "publisher": "Example Press",
                     "issued": 1950 + i % 70} for i, key in enumerate(keys)}
    (src / "sources.yaml").write_text(yaml.safe_dump(sources, sort_keys=True), encoding="utf-8")
    span_start, span_end = site["span"]["start"], site["span"]["end"]
    used = set()
    for i in range(n):
        year = span_start + (i * (span_end - span_start + 1)) // n
        month, day = 1 + rng.randrange(12), 1 + rng.randrange(28)
        k1, k2 = rng.choice(keys), rng.choice(keys)
        used.update((k1, k2))
        words = " ".join(rng.choice(WORDS) for _ in range(60))
        event = {
            "title": f"Event {i}: the {rng.choice(WORDS)} of {year}",
            "date": f"{year}-{month:02d}-{day:02d}",
            "themes": rng.sample(themes, 2),
            "significance": rng.choice(["major", "notable", "minor"]),
            "summary": f"A {rng.choice(WORDS)} and a {rng.choice(WORDS)} [@{k1}].",
            "body": f"{words.capitalize()} [@{k1}, p. {1 + rng.randrange(300)}].\n\n*More* {words} [@{k2}].",
            "names": {"zh": "条约", "ru": "договор"},
            "sources": [k2],
        }
        (src / "events" / f"{year}-event-{i:05d}.yaml").write_text(
            yaml.safe_dump(event, allow_unicode=True, sort_keys=False), encoding="utf-8")
    # Every source is cited, so the site builds under --strict too.
    for j, key in enumerate(sorted(set(keys) - used)):
        path = src / "events" / f"{span_start}-extra-{j:03d}.yaml"
        path.write_text(yaml.safe_dump({"title": f"Extra {j}", "date": span_start, "themes": [themes[0]],
                                        "significance": "minor", "summary": f"Extra [@{key}]."}), encoding="utf-8")
    return src


def run(cmd: list[str], cwd: Path) -> tuple[float, int, str]:
    """Wall seconds and peak RSS (MB) of one whole process."""
    # As Python normally runs: compiled modules are cached. (Some containers set
    # PYTHONDONTWRITEBYTECODE, which makes every run compile the engine again, about 30 ms.)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    out = proc.stdout.read() + proc.stderr.read()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"failed: {' '.join(cmd)}\n{out}")
    return elapsed, usage.ru_maxrss // 1024, out


def median_line(label: str, samples: list[tuple[float, int, str]]) -> str:
    secs = [s[0] for s in samples]
    rss = max(s[1] for s in samples)
    return (f"{label:<34} median {statistics.median(secs):7.3f} s  min {min(secs):7.3f}  max {max(secs):7.3f}  "
            f"peak RSS {rss:5d} MB")


def paired(ours: list, theirs: list) -> str:
    """The median of each run's ratio (ours over Hugo's, timed one after the other), with the least and
    the greatest: on a shared machine whose speed drifts over minutes, a pair's two builds see about the
    same machine, where a ratio of medians may set a fast hour's runs against a slow one's."""
    ratios = [a[0] / b[0] for a, b in zip(ours, theirs)]
    return f"{statistics.median(ratios):.2f}x ({min(ratios):.2f}-{max(ratios):.2f})"


def hugo_site(src: Path, dest: Path) -> Path:
    """The same events as a Hugo site (one Markdown page each, taxonomy by theme, a list per section),
    with plain layouts: the comparison a reader of the README can repeat."""
    site = dest / "hugo-site"
    for folder in ("content/events", "layouts/_default"):
        (site / folder).mkdir(parents=True, exist_ok=True)
    (site / "hugo.toml").write_text('baseURL = "/"\ntitle = "bench"\ndisableKinds = ["RSS"]\n'
                                   '[taxonomies]\n  theme = "themes"\n', encoding="utf-8")
    (site / "layouts/_default/baseof.html").write_text(
        "<!DOCTYPE html><html><head><title>{{ .Title }}</title></head><body>{{ block \"main\" . }}{{ end }}"
        "</body></html>\n", encoding="utf-8")
    (site / "layouts/_default/single.html").write_text(
        '{{ define "main" }}<h1>{{ .Title }}</h1><p>{{ .Date.Format "2 January 2006" }}</p>{{ .Content }}'
        '{{ with .PrevInSection }}<a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}{{ end }}\n', encoding="utf-8")
    (site / "layouts/_default/list.html").write_text(
        '{{ define "main" }}<h1>{{ .Title }}</h1><ol>{{ range (.Paginate .Pages 400).Pages }}<li><a href="{{ .RelPermalink }}">'
        '{{ .Title }}</a> {{ .Summary }}</li>{{ end }}</ol>{{ end }}\n', encoding="utf-8")
    for path in sorted((src / "events").glob("*.yaml")):
        hugo_event(path, site)
    return site


def hugo_event(path: Path, site: Path) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    year = str(data["date"]).split("-")[0]
    front = {"title": data["title"], "date": f"{int(year):04d}-01-01", "themes": data.get("themes", [])}
    (site / "content/events" / f"{path.stem}.md").write_text(
        "---\n" + yaml.safe_dump(front, allow_unicode=True) + "---\n" + data["summary"] + "\n\n"
        + (data.get("body") or "") + "\n", encoding="utf-8")


def edit_event(path: Path, i: int) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["title"] = f"Edited {i}: {data['title']}"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def bench_events(n: int, runs: int, extra: list[str], hugo: str | None = None, languages=None) -> dict:
    """Cold build, nothing changed, one edited event (a different one each run), check; with hugo,
    Hugo's cold build and its build after the same edit, in the same runs."""
    timeline = [sys.executable, "-m", "timeline"]
    with tempfile.TemporaryDirectory(prefix=f"bench-{n}-") as tmp:
        tmp = Path(tmp)
        src = generate(tmp, n, languages=languages)
        site = hugo_site(src, tmp) if hugo else None
        files = sorted((src / "events").glob("*-event-*.yaml"))
        cold, warm, edit, check, h_cold, h_edit = [], [], [], [], [], []
        for i in range(runs):
            # Each cold build into a folder of its own, the last ones kept until the end: on ext4
            # without a journal, files made seconds after 20,000 were deleted cost each tool
            # seconds of the kernel's time (it skips the inodes just freed, one by one).
            out = f"build{i}"
            shutil.rmtree(tmp / ".timeline-cache", ignore_errors=True)
            cold.append(run(timeline + ["build", "--src", str(src), "--out", out, *extra], tmp))
            warm.append(run(timeline + ["build", "--src", str(src), "--out", out, *extra], tmp))
            event = files[(len(files) * (2 * i + 1)) // (2 * runs)]
            edit_event(event, i)
            edit.append(run(timeline + ["build", "--src", str(src), "--out", out, *extra], tmp))
            check.append(run(timeline + ["check", "--src", str(src), *extra], tmp))
            if hugo:
                shutil.rmtree(site / "resources", ignore_errors=True)
                h_cold.append(run([hugo, "--quiet", "-s", str(site), "-d", str(tmp / f"public{i}")], tmp))
                hugo_event(event, site)
                h_edit.append(run([hugo, "--quiet", "-s", str(site), "-d", str(tmp / f"public{i}")], tmp))
        pages = [p for p in (tmp / out).rglob("*") if p.is_file()]
        html = sum(1 for p in pages if p.suffix == ".html")
        print(f"\n{n} events ({len(list((src / 'events').iterdir()))} files), {runs} runs")
        print(median_line("cold build (fresh output, no cache)", cold))
        print(median_line("warm build (nothing changed)", warm))
        print(median_line("one edited event (command line)", edit))
        print(median_line("check", check))
        if hugo:
            print(median_line("Hugo: cold build", h_cold))
            print(median_line("Hugo: after the same edit", h_edit))
            med = {name: statistics.median(s[0] for s in samples) for name, samples in
                   (("cold", cold), ("warm", warm), ("edit", edit), ("h_cold", h_cold), ("h_edit", h_edit))}
            print(f"{'ratios to Hugo':<34} cold {med['cold'] / med['h_cold']:.2f}x  nothing changed "
                  f"{med['warm'] / med['h_cold']:.2f}x  one edit {med['edit'] / med['h_edit']:.2f}x")
            print(f"{'ratios to Hugo, run by run':<34} cold {paired(cold, h_cold)}  one edit {paired(edit, h_edit)}")
        print(f"{'pages written':<34} {html} HTML pages, {len(pages)} files")
        return {"cold": statistics.median(s[0] for s in cold), "warm": statistics.median(s[0] for s in warm)}


def bench_bundled(runs: int) -> None:
    with tempfile.TemporaryDirectory(prefix="bench-bundled-") as tmp:
        samples = [run([sys.executable, "-m", "timeline", "build", "--src", str(ROOT / "site_src"),
                        "--out", str(Path(tmp) / "build")], ROOT) for _ in range(runs)]
        print(median_line("bundled site: build (warm output)", samples[1:] or samples))
        cold = []
        for _ in range(runs):
            shutil.rmtree(Path(tmp) / "build")
            cold.append(run([sys.executable, "-m", "timeline", "build", "--src", str(ROOT / "site_src"),
                             "--out", str(Path(tmp) / "build")], ROOT))
        print(median_line("bundled site: build (fresh output)", cold))


def bench_reload(n_values: list[int], runs: int, languages=None) -> None:
    """Under a running preview server, as an editor saves a file: change the title of an event (a
    different one each time, spread over the timeline), then of a source an event cites, and time
    until the reloaded event page (fetched after the reload signal, as an open tab does) shows it."""
    import html
    import io

    from timeline import serve
    from timeline.build import build_site
    from timeline.incremental import Memo
    for n in n_values:
        with tempfile.TemporaryDirectory(prefix=f"bench-reload-{n}-") as tmp:
            if n:
                src = generate(Path(tmp), n, languages=languages)
            else:
                src = Path(shutil.copytree(ROOT / "site_src", Path(tmp) / "site_src"))
            out = Path(tmp) / "out"
            files = sorted((src / "events").glob("*.yaml"))
            samples = max(runs, 10)
            # Each save edits another event, spread over the timeline (and so over its list pages).
            events = [files[(len(files) * (2 * i + 1)) // (2 * samples)] for i in range(samples)]
            event = files[len(files) // 2]
            data = yaml.safe_load(event.read_text(encoding="utf-8"))
            page = f"/events/{event.stem}/index.html"
            source_files = [src / "sources.yaml"] if (src / "sources.yaml").is_file() else sorted(
                (src / "sources").glob("*.yaml"))
            key = re.search(r"\[[^\]@]*@([\w][\w:.-]*?)[\];,]", f"{data['summary']} {data.get('body') or ''}")[1]
            source_file = next(f for f in source_files
                               if re.search(rf"^{re.escape(key)}:", f.read_text(encoding="utf-8"), re.M))
            sources = yaml.safe_load(source_file.read_text(encoding="utf-8"))
            memo = Memo()  # as `timeline serve` keeps it between rebuilds
            # Each saved text is made beforehand: the timing starts at the write, as an editor's save.
            event_texts = []
            for i, path in enumerate(events):
                before = yaml.safe_load(path.read_text(encoding="utf-8"))
                event_texts.append(yaml.safe_dump(dict(before, title=f"Edited {i}: {before['title']}"),
                                                  allow_unicode=True, sort_keys=False))
            source_texts = [yaml.safe_dump(dict(sources, **{key: dict(sources[key], title=f"Retitled {i}: "
                                                                                       f"{sources[key]['title']}")}),
                                           allow_unicode=True, sort_keys=False) for i in range(samples)]

            def save_event(i: int) -> None:
                events[i].write_text(event_texts[i], encoding="utf-8")

            def save_source(i: int) -> None:
                source_file.write_text(source_texts[i], encoding="utf-8")

            label = f"{n} events" if n else "bundled site"
            with serve.PreviewServer(lambda: build_site(src, out, templates=ROOT / "templates", memo=memo,
                                                        on_demand=True), out,
                                     watch=[src], log=io.StringIO()) as server:
                for what, save, shown, expect in (
                        ("event title", save_event, lambda i: f"/events/{events[i].stem}/index.html",
                         lambda i: html.escape(f"Edited {i}: ")),
                        ("source title", save_source, page, lambda i: html.escape(f"Retitled {i}: "))):
                    latencies = measure_reload_latency(server, save, samples=samples, page=shown, expect=expect)
                    print(f"preview, {what:<12} saved -> reloaded page, {label:<13} median "
                          f"{statistics.median(latencies) * 1000:6.0f} ms  min {min(latencies) * 1000:.0f}  "
                          f"max {max(latencies) * 1000:.0f}  ({len(latencies)} saves; of each, "
                          f"{server.settle * 1000:.0f} ms is the wait for the save to settle)")


def measure_reload_latency(server, save, samples: int = 10, page="/", expect=None) -> list[float]:
    """Seconds from `save(i)` (write a file under a watched folder) to the rebuilt `page` (or
    page(i)) fetched after the reload signal, as an open tab does it; one value per sample, under a
    running timeline.serve.PreviewServer. With `expect`, the page must contain expect(i) (else
    ValueError: the edit did not arrive)."""
    import http.client
    import urllib.parse

    from timeline.serve import RELOAD_PATH

    address = urllib.parse.urlsplit(server.url)
    latencies = []
    for i in range(samples):
        before = server.generation
        started = time.perf_counter()
        save(i)
        shown = page(i) if callable(page) else page
        for path in (f"{RELOAD_PATH}?since={before}", shown):  # signal, then the reload itself
            conn = http.client.HTTPConnection(address.hostname, address.port, timeout=120)
            conn.request("GET", path)
            body = conn.getresponse().read()  # a 404 or an overlay is a reloaded page too
            conn.close()
        latencies.append(time.perf_counter() - started)
        if expect is not None and expect(i).encode("utf-8") not in body:
            raise ValueError(f"{shown} does not show the edit {expect(i)!r}")
        time.sleep(server.quiet * 2)  # let trailing events of this save settle before the next one
    return latencies


def bench_pdf(runs: int) -> None:
    with tempfile.TemporaryDirectory(prefix="bench-pdf-") as tmp:
        samples = []
        for _ in range(runs):
            # A fresh output each time: into its own output, a build with nothing changed keeps the PDF.
            shutil.rmtree(Path(tmp) / "build", ignore_errors=True)
            samples.append(run([sys.executable, "-m", "timeline", "build", "--pdf", "--src", str(ROOT / "site_src"),
                                "--out", str(Path(tmp) / "build")], ROOT))
        pdf = next(Path(tmp, "build").glob("*.pdf"))
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
        pages = next((line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")), "?")
        print(median_line("bundled site: build --pdf (fresh output)", samples))
        print(f"{'PDF':<34} {pages} pages, {pdf.stat().st_size / 1e6:.1f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, nargs="*", default=[], help="generated site sizes to build")
    parser.add_argument("--runs", type=int, default=5, help="runs per figure (default 5)")
    parser.add_argument("--bundled", action="store_true", help="time the bundled site's build")
    parser.add_argument("--reload", action="store_true", help="time the preview's edit-to-reload latency")
    parser.add_argument("--pdf", action="store_true", help="time the PDF of the bundled content")
    parser.add_argument("--generate", type=int, metavar="N", help="only write an N-event site to ./bench-site")
    parser.add_argument("--no-cache", action="store_true", help="pass --no-cache to builds")
    parser.add_argument("--hugo", action="store_true", help="also time Hugo on the same events (needs `hugo`)")
    parser.add_argument("--languages", nargs="*", default=["en"],
                        help="language codes of the generated sites (default en: the pages Hugo builds; "
                             "'all' for every language of site_src/site.yaml)")
    args = parser.parse_args()
    languages = None if args.languages == ["all"] else args.languages
    if args.generate:
        print(generate(Path("bench-site"), args.generate, languages=languages))
        return
    extra = ["--no-cache"] if args.no_cache else []
    print(f"Python {sys.version.split()[0]}, {os.cpu_count()} cores, languages: {' '.join(args.languages)}")
    hugo = shutil.which("hugo") if args.hugo else None
    if args.hugo and not hugo:
        raise SystemExit("--hugo: no hugo on PATH (apt-get install hugo)")
    results = {n: bench_events(n, args.runs, extra, hugo, languages) for n in args.events if not args.reload}
    if len(results) >= 2:
        small, large = min(results), max(results)
        print(f"\ncold build ratio {large}/{small} events: {results[large]['cold'] / results[small]['cold']:.1f}x "
              f"(linear would be {large / small:.0f}x)")
    if args.bundled:
        bench_bundled(args.runs)
    if args.reload:
        bench_reload(args.events or [0], args.runs, languages)
    if args.pdf:
        bench_pdf(args.runs)


if __name__ == "__main__":
    main()
