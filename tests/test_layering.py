"""The engine's modules depend on each other one way (load -> derive -> render -> write), and the
templates build no cache keys: the shape issue 13 asks for, kept from going back."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from support import ROOT

ENGINE = ROOT / "timeline"


def _modules() -> dict[str, list[Path]]:
    """Engine module -> its files: a package (timeline/serve/) counts as one module."""
    modules = {p.stem: [p] for p in ENGINE.glob("*.py")}
    modules.update({p.parent.name: sorted(p.parent.glob("*.py")) for p in ENGINE.glob("*/__init__.py")})
    return modules


def _imports() -> dict[str, set[str]]:
    graph, modules = {}, _modules()
    for module, paths in modules.items():
        names = set()
        for path in paths:
            inside = path.parent != ENGINE  # in a package, `from .x` is the package's own module
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.ImportFrom) and node.level == 1 + inside:
                    if node.module:
                        names.add(node.module.split(".")[0])
                    else:
                        names.update(alias.name for alias in node.names)
                elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("timeline."):
                    names.add(node.module.split(".")[1])
        graph[module] = (names & set(modules)) - {module}
    return graph


def test_the_import_graph_has_no_cycles():
    graph, done, path = _imports(), set(), []

    def visit(module):
        assert module not in path, " -> ".join(path[path.index(module):] + [module])
        if module in done:
            return
        path.append(module)
        for other in graph[module]:
            visit(other)
        path.pop()
        done.add(module)

    for module in graph:
        visit(module)


# The stages in the order data flows; a module may import only modules of its own or earlier stages.
STAGES = [
    {"diagnostics", "calendars", "dates", "dateforms", "intervals", "addresses", "model", "urls", "citations", "yamlfile", "yamldata", "parallel", "exchange", "incremental", "memofile", "memofolders", "memokey", "catalogs", "characters",
     "typography", "titlelang", "geo", "jsonld"},
    {"markup", "fields", "sitefile", "sourcefile", "crosscheck", "content", "places", "treaties", "sources", "schema",
     "languages", "transcites", "transstamp", "transsite", "translations", "transfiles", "i18n", "cite"},
    {"chartlayout", "chartwords", "index", "localize", "chart", "printview", "maps"},
    {"pretranslate", "escaping", "calls", "macros", "compiled", "templating", "templatecheck", "marks", "fragments", "pages", "render", "feeds", "exports", "citestyles",
     "aliases"},
    {"outfolder", "outlist", "writer", "inputsdigest", "build", "links", "linkhosts", "linknames", "linkcheck"},
    {"pdfnotes", "pdfparts", "pdfjoin", "pdf", "serve", "newevent", "cli", "__main__", "__init__"},
]


def test_data_flows_one_way_through_the_stages():
    stage = {module: i for i, modules in enumerate(STAGES) for module in modules}
    graph = _imports()
    assert set(graph) <= set(stage), f"a module with no stage: {sorted(set(graph) - set(stage))}"
    backwards = [(m, o) for m, others in graph.items() for o in others if stage[o] > stage[m]]
    assert backwards == []


def test_content_scans_citations_without_the_markdown_renderer():
    graph = _imports()
    assert "citations" in graph["crosscheck"] and "index" not in graph["content"] | graph["crosscheck"]


def test_urls_are_spelled_out_only_in_the_url_module():
    """One URL scheme: no engine module or template writes a page's path by hand."""
    import io
    import tokenize
    spelled = re.compile(r"""^[rbfuRBFU]*["']{1,3}(events|themes|eras)/""")
    offenders = [p.name for p in ENGINE.rglob("*.py") if p.name != "urls.py" and any(
        t.type == tokenize.STRING and spelled.match(t.string)
        for t in tokenize.generate_tokens(io.StringIO(p.read_text(encoding="utf-8")).readline))]
    offenders += [str(p.relative_to(ROOT)) for p in (ROOT / "templates").rglob("*.html")
                  if re.search(r"\}\}(events|themes|eras)/", p.read_text())]
    assert offenders == []


def test_only_the_incremental_module_knows_how_the_memo_is_kept():
    """Stages ask the memo for a value (get, peek, last, later, put); none reads its tables or records, and no
    module but incremental (and memofile, its files) names a cache class."""
    inside = re.compile(r"\bmemo\.(?!(get|peek|last|later|put|begin|end|note|delta|merge)\()\w+|\bRecord\b|BuildCache|\.tables\b")
    offenders = [f"{p.name}: {m.group(0)}" for p in ENGINE.glob("*.py") if p.name not in ("incremental.py", "memofile.py")
                 for m in inside.finditer(p.read_text(encoding="utf-8"))]
    assert offenders == []


def test_no_template_builds_a_key_or_calls_a_fragment_helper():
    offenders = [str(p.relative_to(ROOT)) for p in (ROOT / "templates").rglob("*.html")
                 if re.search(r"piece\(|pieces\(|digest|\|\s*\"\s*~|~\s*\"\|\"", p.read_text(encoding="utf-8"))]
    assert offenders == []


def test_no_module_or_function_grows_past_its_limit():
    """Every module of the engine says its one job in its first line and stays small enough to read:
    under 350 lines, and no function of 50 lines or more."""
    for path in sorted(ENGINE.rglob("*.py")):
        name = str(path.relative_to(ENGINE))
        text = path.read_text(encoding="utf-8")
        tree = ast.parse(text)
        assert ast.get_docstring(tree), name
        assert len(text.splitlines()) < 350, name
        long = [f"{name}.{node.name}: {node.end_lineno - node.lineno + 1}" for node in ast.walk(tree)
                if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.end_lineno - node.lineno >= 50]
        assert long == []
