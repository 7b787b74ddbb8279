"""A harness for hostile content: run the real command line on a copy of the good fixture site with
some files replaced, and check what a user is promised whatever the input.

    site = HostileSite(tmp_path, baseline)       # baseline: a folder built from the good fixture
    site.apply({"events/1700-x.yaml": b"..."})   # bytes, text, None (delete) or a callable(path)
    runs = site.run_both()                       # `check` and `build` at once, each with a timeout

A hang fails the test (the command is killed at the timeout) instead of hanging the suite.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from support import GOOD, ROOT

TIMEOUT = int(os.environ.get("HOSTILE_TIMEOUT", 20))  # seconds; a healthy run of the fixture takes well under one


@dataclass
class Run:
    command: str
    status: int | None  # None: killed at the timeout
    out: str
    err: str

    @property
    def text(self) -> str:
        return self.out + self.err

    def lines_naming(self, rel: str) -> list[str]:
        """Diagnostic lines about the file rel (as printed: relative to the working folder)."""
        return [line for line in self.err.splitlines() if line.startswith(rel)]


def env() -> dict:
    return {**os.environ, "PYTHONPATH": str(ROOT)}


def snapshot(folder: Path) -> dict:
    """Every entry under folder: a file's bytes, a link's target, or a folder; never opens anything
    but regular files (the tree may hold FIFOs and devices)."""
    found = {}
    if not os.path.lexists(folder):
        return found
    for dirpath, dirnames, filenames in os.walk(folder):
        for name in sorted(dirnames + filenames):
            path = os.path.join(dirpath, name)
            rel = os.path.relpath(path, folder)
            st = os.lstat(path)
            if stat.S_ISLNK(st.st_mode):
                found[rel] = ("link", os.readlink(path))
            elif stat.S_ISREG(st.st_mode):
                with open(path, "rb") as f:
                    found[rel] = ("file", f.read())
            else:
                found[rel] = ("other", stat.S_IFMT(st.st_mode))
    return found


def listing(folder: Path, skip: Path) -> dict:
    """Names, kinds, sizes and modification times under folder, skip excepted (nothing is opened)."""
    found = {}
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = [d for d in dirnames if Path(dirpath, d) != skip]
        for name in dirnames + filenames:
            st = os.lstat(os.path.join(dirpath, name))
            found[os.path.relpath(os.path.join(dirpath, name), folder)] = (st.st_mode, st.st_size, st.st_mtime_ns)
    return found


def build_baseline(folder: Path) -> Path:
    """The good fixture built once into folder/build: the "last good output" each case starts from."""
    src = folder / "site_src"
    shutil.copytree(GOOD, src)
    done = subprocess.run([sys.executable, "-m", "timeline", "build", "--src", "site_src", "--out", "build"],
                          cwd=folder, env=env(), capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return folder / "build"


class HostileSite:
    def __init__(self, root: Path, baseline: Path):
        self.root, self.src, self.out = root, root / "site_src", root / "build"
        shutil.copytree(GOOD, self.src)
        shutil.copytree(baseline, self.out, symlinks=True)

    def apply(self, files: dict) -> None:
        for rel, content in files.items():
            path = self.src / rel
            if content is None:
                if path.is_dir() and not path.is_symlink():
                    shutil.rmtree(path)
                else:
                    path.unlink()
                continue
            path.parent.mkdir(parents=True, exist_ok=True)
            if callable(content):
                content(path)
            elif isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(content, encoding="utf-8")

    def _start(self, command: str, extra: list[str]):
        args = [sys.executable, "-m", "timeline", command, "--src", "site_src", *extra]
        return subprocess.Popen(args, cwd=self.root, env=env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                stdin=subprocess.DEVNULL, text=True, errors="replace")

    @staticmethod
    def _finish(command: str, proc) -> Run:
        try:
            out, err = proc.communicate(timeout=TIMEOUT)
            return Run(command, proc.returncode, out, err)
        except subprocess.TimeoutExpired:
            proc.kill()
            out, err = proc.communicate()
            return Run(command, None, out, err)

    def run_both(self, strict: bool = False) -> tuple[Run, Run]:
        """`check` and `build --no-cache` side by side (two cores), each killed at the timeout.
        --no-cache: the loader is what is under test here, not the build's freshness record."""
        flags = ["--strict"] if strict else []
        check = self._start("check", flags)
        build = self._start("build", [*flags, "--out", "build", "--no-cache"])
        return self._finish("check", check), self._finish("build", build)
