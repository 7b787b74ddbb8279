#!/usr/bin/env python3
"""Build the same content with an earlier engine and theme (a git revision) and with the working tree,
and compare the two outputs file by file: a refactoring must not change a byte it does not mean to.

    python scripts/compare_builds.py                 # against HEAD
    python scripts/compare_builds.py 5b06e2c --src tests/fixtures/good/site_src --base-url https://example.org/sub/

Prints the files that differ (or are only on one side) and exits 1 if any do.
"""

from __future__ import annotations

import argparse
import filecmp
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def build(engine: Path, src: Path, out: Path, base_url: str | None) -> None:
    command = [sys.executable, "-m", "timeline", "build", "--src", str(src), "--templates", str(engine / "templates"),
               "--out", str(out), "--no-cache"]
    if base_url:
        command += ["--base-url", base_url]
    env = dict(os.environ, PYTHONPATH=str(engine), SOURCE_DATE_EPOCH="0")
    run = subprocess.run(command, cwd=engine, env=env, capture_output=True, text=True)
    if run.returncode != 0:
        sys.exit(f"build with {engine} failed:\n{run.stdout}{run.stderr}")


def tree(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file() and not p.name.startswith(".")}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("rev", nargs="?", default="HEAD", help="the earlier revision (default: HEAD)")
    parser.add_argument("--src", type=Path, default=ROOT / "site_src")
    parser.add_argument("--base-url", default=None)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        old = tmp / "engine"
        old.mkdir()
        archive = subprocess.run(["git", "archive", args.rev, "timeline", "templates"], cwd=ROOT, capture_output=True,
                                 check=True).stdout
        subprocess.run(["tar", "-x", "-C", str(old)], input=archive, check=True)
        build(old, args.src.resolve(), tmp / "before", args.base_url)
        build(ROOT, args.src.resolve(), tmp / "after", args.base_url)
        before, after = tree(tmp / "before"), tree(tmp / "after")
        differ = sorted(p for p in before & after if not filecmp.cmp(tmp / "before" / p, tmp / "after" / p, shallow=False))
        only = sorted((before - after) | (after - before))
        for path in differ:
            print(f"differs: {path}")
        for path in only:
            print(f"only {'before' if path in before else 'after'}: {path}")
        print(f"{len(before & after) - len(differ)} of {len(before | after)} files identical to {args.rev}")
        return 1 if differ or only else 0


if __name__ == "__main__":
    sys.exit(main())
