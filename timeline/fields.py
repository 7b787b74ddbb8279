"""One YAML content file read and its fields checked, each problem reported with its file and line."""

from __future__ import annotations

import hashlib
import ipaddress
import os
import re
import unicodedata
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

from . import dates, yamlfile
from .diagnostics import Report, excerpt, suggest  # noqa: F401 - sourcefile and crosscheck take it from here
from .incremental import digest
from .model import Name

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MAX_ID = 64  # a theme's or era's id
EVENT_ID = re.compile(r"^[0-9]{4}(?:-[a-z0-9]+)*$")
COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
LANG = re.compile(r"^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$")
URL = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)


def is_url(text: str) -> bool:
    """An http(s) address that can be asked for: URL's form, and a host and port that parse."""
    return bool(URL.match(text)) and unusable(text) is None


def unusable(url: str) -> str | None:
    """Why an address's host or port cannot be asked for (a port past 65535, an IPv6 bracket left
    open: they passed, and the link checker could only fail on them), or None."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port that is not one
    except ValueError as exc:
        return str(exc)
    return None if parts.hostname else "no host"


def private(url: str) -> str | None:
    """Why an address names this machine or a private network, which no reader elsewhere can open and
    which the link checker must not ask (it would probe the network it runs in), or None."""
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        return None
    # As the client reads a name: full-width forms and ideographic full stops are its ASCII ones.
    return private_host(unicodedata.normalize("NFKC", host).replace("\u3002", "."))


def private_host(host: str) -> str | None:
    """The same of a host name or IP address as written (brackets off)."""
    host = host.lower().rstrip(".")
    if host == "localhost" or host.endswith(".localhost"):
        return f"'{host}' names this machine"
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        ip = _resolver_number(host) if _NUMERIC.fullmatch(host) else None
    if ip is None:
        return None
    ip = _embedded(ip)
    if ip.is_loopback or ip.is_link_local:
        return f"{ip} is a {'loopback' if ip.is_loopback else 'link-local'} address"
    if any(ip in net for net in _PRIVATE_NETWORKS):
        return f"{ip} is a private-network address"
    public = ip.is_global and not ip.is_multicast and not any(ip in net for net in _NOT_PUBLIC)
    return None if public else f"{ip} is not a public address"


_NUMERIC = re.compile(r"[0-9a-fx.]+")
_PRIVATE_NETWORKS = [ipaddress.ip_network(n) for n in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7")]
# Not public though Python 3.11 calls them global: local-use NAT64 (RFC 8215), whose IPv4 side is the
# operator's choice, site-local (deprecated, still routed where configured) and IPv4-compatible
# (::a.b.c.d, deprecated: some stacks send it on as the IPv4 address).
_NOT_PUBLIC = [ipaddress.ip_network(n) for n in ("64:ff9b:1::/48", "fec0::/10", "::/96")]
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


def _embedded(ip):
    """The IPv4 address a request to ip reaches, where ip carries one: mapped (::ffff:a.b.c.d), through
    NAT64's well-known prefix or a 6to4 relay, which translate to it whatever it is; else ip."""
    if ip.version == 4:
        return ip
    if ip in _NAT64:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return ip.ipv4_mapped or ip.sixtofour or ip


def _resolver_number(host: str):
    """2130706433, 0x7f.1 and 127.1 are 127.0.0.1 to the system's resolver, which reads them as inet_aton does."""
    import socket   # here: a build never needs it, and it costs a build's start 9 ms
    try:
        return ipaddress.IPv4Address(socket.inet_aton(host))
    except OSError:
        return None


def read(path) -> str | yamlfile.InputError:
    """A content file's text, or the error that stops it being read."""
    try:
        return yamlfile.read_text(path)
    except yamlfile.InputError as exc:  # not a file, unreadable, not UTF-8
        return exc


def parse(text: str | yamlfile.InputError):
    """The parsed document, or the error that stops it."""
    if isinstance(text, yamlfile.YamlSyntaxError):
        return text
    try:
        return yamlfile.parse(text)
    except yamlfile.YamlSyntaxError as exc:
        return exc


def text_digest(path, text) -> str:
    """The digest of a file's path and text (or of the error that stopped it being read)."""
    if not isinstance(text, str):
        return digest(path, f"{type(text).__name__}{text.args}")
    return hashlib.sha1(f"{path}\0{text}".encode("utf-8", "surrogateescape")).hexdigest()


class YamlFile:
    """One YAML file being validated: parsed data plus helpers that report with the right line."""

    def __init__(self, rel: str, report: Report, parsed, offset: int = 0):
        """parsed: the document or the error that stops it; offset: lines before the YAML in its file."""
        self.rel, self.report, self.doc, self.offset = rel, report, None, offset
        if isinstance(parsed, yamlfile.YamlSyntaxError):
            line = parsed.line + offset if parsed.line is not None else None
            report.error(rel, line, None, parsed.message, column=parsed.column)
            return
        self.doc = parsed
        for key, line in self.doc.duplicate_keys():
            report.error(rel, line + offset, key, "key given twice (the second would silently win)")

    def line(self, path: tuple) -> int | None:
        line = self.doc.line(*path)
        return line + self.offset if line is not None else None

    def error(self, path: tuple, message: str, field: str | None = None) -> None:
        self.report.error(self.rel, self.line(path), field or dotted(path), message)

    def warning(self, path: tuple, message: str, field: str | None = None) -> None:
        self.report.warning(self.rel, self.line(path), field or dotted(path), message)

    def mapping(self, value, path: tuple, allowed: set, required=(), what="entry") -> dict | None:
        if not isinstance(value, dict):
            got = "an empty file" if value is None and path == () else kind_of(value)
            self.error(path, f"expected a mapping of fields, got {got}", field=dotted(path) or what)
            return None
        for key in value:
            if key not in allowed:
                self.error(path + (key,), f"unknown field{suggest(key, allowed)}")
        for key in required:
            if value.get(key) in (None, "", []):  # an empty one is named at its own line, as empty
                self.error(path + (key,) if key in value else path, f"missing required field '{key}'" if key not in value
                           else f"required field '{key}' is empty", field=dotted(path + (key,)))
        return value

    def text(self, value, path: tuple, required=False) -> str:
        if value is None:
            return ""
        if isinstance(value, bool) or isinstance(value, (dict, list)):
            self.error(path, f"expected text, got {kind_of(value)}")
            return ""
        if isinstance(value, float):   # YAML's number, not what was typed: 1.10 is 1.1, .nan is nan
            self.error(path, f"expected text, got the number {kind_of(value)}: put the text in quotes")
            return ""
        return str(value).strip()

    def str_list(self, value, path: tuple) -> list[str]:
        if value is None:
            return []
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list):
            self.error(path, f"expected a list, got {kind_of(value)}")
            return []
        out = []
        for i, item in enumerate(value):
            if isinstance(item, (dict, list)) or item is None or isinstance(item, bool):
                self.error(path + (i,), f"expected an id, got {kind_of(item)}", field=dotted(path))
            else:
                out.append(str(item))
        return out

    def date(self, value, path: tuple, calendar="gregorian"):
        try:
            return dates.parse(value, calendar)
        except ValueError as exc:
            self.error(path, str(exc))
            return None


def dotted(path: tuple) -> str:
    return ".".join(f"[{p}]" if isinstance(p, int) else str(p) for p in path).replace(".[", "[")


def kind_of(value) -> str:
    """What a value is, quoting at most a short excerpt of it (never the whole of a large one)."""
    if value is None:
        return "nothing"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, bool):   # what was typed is gone: yes, on and true all read as True ('True' said nothing of it)
        return f"{str(value).lower()} (YAML reads an unquoted yes, no, on, off, true or false so: put text in quotes)"
    return f"text '{excerpt(value)}'" if isinstance(value, str) else f"'{excerpt(value)}'"


def relative(path: str | Path, src: Path) -> str:
    """The path as the editor would type it: relative to the working folder when inside it."""
    folder, name = os.path.split(os.fspath(path))
    if name in ("", ".", ".."):
        rel = os.path.relpath(path)
    else:   # os.path.relpath's answer, the folder's part worked out once for its thousands of files
        way = _way(folder, os.getcwd())
        rel = name if way == "." else os.path.join(way, name)
    return str(path) if rel.startswith("..") else rel


@lru_cache(maxsize=64)
def _way(folder: str, cwd: str) -> str:
    return os.path.relpath(folder or ".", cwd)


def unique_id(f: YamlFile, value, path: tuple, seen: set, kind: str) -> str:
    ident = f.text(value, path)
    if ident and not SLUG.match(ident):
        f.error(path, f"'{excerpt(ident)}' is not a valid id (lower-case letters, digits, hyphens)")
    elif len(ident) > MAX_ID:  # it names a folder and a PDF (timeline-theme-<id>.pdf): file names end at 255 bytes
        f.error(path, f"'{excerpt(ident)}' is {len(ident)} characters long; an id has at most {MAX_ID}")
    if ident in seen:
        f.error(path, f"{kind} '{excerpt(ident)}' defined twice")
    seen.add(ident)
    return ident


def list_field(f: YamlFile, data: dict, key: str) -> list:
    value = data.get(key)
    if value is None or isinstance(value, list):
        return value or []
    f.error((key,), f"expected a list, got {kind_of(value)}")
    return []


def name_list(f: YamlFile, raw, path: tuple, key: str) -> tuple[Name, ...]:
    if raw is None:
        return ()
    items = raw if isinstance(raw, list) else [raw]
    names = []
    for i, item in enumerate(items):
        p = path + (i,) if isinstance(raw, list) else path
        if isinstance(item, str):
            family, _, given = item.partition(",")
            names.append(Name(family.strip(), given.strip()) if given else Name(literal=item.strip()))
        elif isinstance(item, dict):
            unknown = set(item) - {"family", "given", "literal"}
            if unknown:
                f.error(p, f"unknown name part '{sorted(unknown)[0]}' (use family, given or literal)", field=key)
            if not (item.get("family") or item.get("literal")):
                f.error(p, "a name needs 'family' (with 'given') or 'literal'", field=key)
            names.append(Name(*(f.text(item.get(part), p) for part in ("family", "given", "literal"))))
        else:
            f.error(p, f"expected a name, got {kind_of(item)}", field=key)
    return tuple(names)


def listed(folder: Path, suffix: str, src: Path, report: Report) -> list[Path]:
    """The files named *suffix in an optional folder; one that cannot be read is an error, not an empty
    folder (else its pages would be pruned from the output without a word)."""
    try:
        names = os.listdir(folder) if folder.is_dir() else []
    except OSError as exc:
        report.error(relative(folder, src), None, None, f"cannot read the folder: {exc.strerror}")
        return []
    # Another spelling of the suffix (history.markdown, more.yml, MORE.YAML) is a file meant to be read:
    # skipped in silence, its page or its sources were missing from the site without a word.
    for name in sorted(n for n in names if not n.endswith(suffix) and not n.startswith(".")
                       and n.lower().endswith(_NEAR_SUFFIXES.get(suffix, (suffix,)))):
        report.error(relative(folder / name, src), None, None,
                     f"files in {folder.name}/ end in {suffix} (this one is ignored)")
    return sorted(folder / name for name in names if name.endswith(suffix))


_NEAR_SUFFIXES = {".yaml": (".yaml", ".yml"), ".md": (".md", ".markdown")}   # compared in lower case


def raw_html(match) -> str:
    return f"raw HTML ('{excerpt(match.group(0), 40)}') is not allowed in Markdown and is left out of the page"
