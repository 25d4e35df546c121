"""The public names of DESIGN.md resolve from the top-level package."""

from __future__ import annotations

import inspect
import textwrap

import actiontrace

EXPECTED = {
    "configure", "shutdown", "action", "tool", "llm", "agent", "workflow", "span", "session", "properties",
    "record_usage", "iteration", "tool_call_id", "query", "propagate_context_to_threads", "SessionSpanProcessor",
    "track_action", "Tracker", "record_action", "record", "Event", "EventState", "ActionType", "ActionTracer",
    "TraceEntry", "JSONLExporter", "log_request", "HeliconeManualLogger", "JsonlSpanExporter", "Redactor",
    "RedactingSpanProcessor",
}


def test_every_public_name_resolves():
    assert EXPECTED <= set(actiontrace.__all__)
    for name in actiontrace.__all__:
        assert getattr(actiontrace, name) is not None, name
    assert EXPECTED <= set(dir(actiontrace))


def test_dir_lists_only_the_public_names():
    # Not the module's own imports (Any, TYPE_CHECKING, import_module, annotations) or subpackages.
    assert dir(actiontrace) == sorted(actiontrace.__all__)
    assert not {"Any", "TYPE_CHECKING", "annotations", "import_module", "spans"} & set(dir(actiontrace))
    assert all(not name.startswith("_") or name == "__version__" for name in actiontrace.__all__)
    assert len(set(actiontrace.__all__)) == len(actiontrace.__all__)
    names: dict = {}
    exec("from actiontrace import *", names)
    assert set(names) - {"__builtins__"} == set(actiontrace.__all__)


def test_unknown_name_is_an_attribute_error():
    try:
        actiontrace.does_not_exist  # noqa: B018
    except AttributeError as exc:
        assert "does_not_exist" in str(exc)
    else:
        raise AssertionError("expected AttributeError")


def test_submodules_named_in_the_design():
    from actiontrace.exporters import JsonlSpanExporter
    from actiontrace.instrumentation.openai import OpenAIInstrumentor
    from actiontrace.redaction import RedactingSpanProcessor, Redactor

    assert inspect.isclass(JsonlSpanExporter) and inspect.isclass(OpenAIInstrumentor)
    assert inspect.isclass(Redactor) and inspect.isclass(RedactingSpanProcessor)


def _import_statements(text: str):
    """Every import statement in ``text``, which may be a fragment that does not parse whole:
    each statement is read from its first line until it parses."""
    import ast

    try:
        yield from (n for n in ast.walk(ast.parse(text)) if isinstance(n, (ast.Import, ast.ImportFrom)))
        return
    except SyntaxError:
        pass
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if not line.lstrip().startswith(("from ", "import ")):
            continue
        for j in range(i + 1, min(i + 12, len(lines)) + 1):
            try:
                yield from ast.parse(textwrap.dedent("\n".join(lines[i:j]))).body
                break
            except SyntaxError:
                continue


def _documented_imports() -> list[tuple[str, str, tuple[str, ...]]]:
    """(where, module, names) of every ``actiontrace`` import in the README, docs/ and examples/."""
    import ast
    import re

    from support.paths import ROOT

    sources = [(p, p.read_text()) for p in sorted(ROOT.glob("examples/**/*.py"))]
    for doc in [ROOT / "README.md", *sorted(ROOT.glob("docs/**/*.md")), *sorted(ROOT.glob("examples/**/*.md"))]:
        sources += [(doc, block) for block in re.findall(r"```python\n(.*?)```", doc.read_text(), flags=re.S)]
    found = []
    for where, text in sources:
        for node in _import_statements(text):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("actiontrace"):
                found.append((str(where), node.module, tuple(a.name for a in node.names)))
            elif isinstance(node, ast.Import):
                found += [(str(where), a.name, ()) for a in node.names if a.name.startswith("actiontrace")]
    return found


def test_every_import_the_docs_and_examples_show_works():
    import importlib

    imports = _documented_imports()
    assert len(imports) >= 10, imports  # the docs do show imports: the scan must find them
    for where, module, names in imports:
        mod = importlib.import_module(module)
        for name in names:
            assert getattr(mod, name, None) is not None, f"{where}: from {module} import {name}"
