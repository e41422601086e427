"""Write ``docs/api-reference.md``: the API reference as plain Markdown, readable in the repository
without building the site. It lists the objects ``docs/api.md`` lists (its ``::: name`` lines),
each with its signature and docstring. ``tests/test_api_reference.py`` keeps it in step.

Regenerate:  PYTHONPATH=src python docs/_ext/api_markdown.py
"""

from __future__ import annotations

import importlib
import inspect
import re
import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parents[1]
SOURCE = DOCS / "api.md"
TARGET = DOCS / "api-reference.md"

_ROLE = re.compile(r":(?:class|func|meth|mod|data|attr|exc|obj):`~?([^`]+)`")
_SECTION = re.compile(r"^(Example|Examples|Args|Arguments|Parameters|Returns|Raises|Yields|Attributes|Note|Notes):\s*$")
_ADDRESS = re.compile(r" at 0x[0-9a-f]+")


def _resolve(dotted: str):
    parts = dotted.split(".")
    for i in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:i]))
        except ImportError:
            continue
        for p in parts[i:]:
            obj = getattr(obj, p)
        return obj
    raise ImportError(dotted)


def _text(doc: str) -> str:
    """Google-style docstring → Markdown: sections in bold, ``Example`` blocks fenced as pycon."""
    doc = _ROLE.sub(lambda m: "`" + m.group(1).split(".")[-1] + "`", doc).replace("``", "`")
    lines, out, i = doc.splitlines(), [], 0
    while i < len(lines):
        m = _SECTION.match(lines[i])
        if not m:
            out.append(lines[i])
            i += 1
            continue
        block = []
        i += 1
        while i < len(lines) and (not lines[i].strip() or lines[i].startswith(" ")):
            block.append(lines[i])
            i += 1
        while block and not block[-1].strip():
            block.pop()
        body = inspect.cleandoc("\n".join(block))
        out.append(f"**{m.group(1)}**")
        out.append("")
        if m.group(1).startswith("Example"):
            out += ["```pycon", body, "```", ""]
        else:
            out += [body, ""]
    return "\n".join(out).rstrip() + "\n"


class _Raw(str):
    """An annotation kept as written (``from __future__ import annotations`` makes them strings)."""

    def __repr__(self) -> str:
        return str(self)


def _signature(name: str, obj) -> str:
    try:
        sig = inspect.signature(obj)
    except (TypeError, ValueError):
        return ""
    params = [p.replace(annotation=_Raw(p.annotation) if isinstance(p.annotation, str) else p.annotation)
              for p in sig.parameters.values()]
    ret = sig.return_annotation
    sig = str(sig.replace(parameters=params, return_annotation=_Raw(ret) if isinstance(ret, str) else ret))
    return "```python\n" + _ADDRESS.sub("", f"{name}{sig}") + "\n```\n\n"


def _entry(dotted: str, obj, level: int = 3) -> str:
    short = dotted.split(".")[-1]
    kind = "class" if inspect.isclass(obj) else "module" if inspect.ismodule(obj) else "function"
    out = f"{'#' * level} `{dotted}` ({kind})\n\n"
    if kind != "module":
        out += _signature(short, obj)
    out += _text(inspect.getdoc(obj) or "(no docstring)") + "\n"
    if kind == "class":
        for name, member in vars(obj).items():
            if name.startswith("_") or not (inspect.isfunction(member) or isinstance(member, (classmethod, property))):
                continue
            fn = member.__func__ if isinstance(member, classmethod) else member.fget if isinstance(member, property) else member
            doc = inspect.getdoc(fn)
            if doc:
                sig = "" if isinstance(member, property) else _signature(f"{short}.{name}", fn)
                out += f"{'#' * (level + 1)} `{short}.{name}`\n\n{sig}{_text(doc)}\n"
    return out


def render() -> str:
    """The Markdown reference for the objects named in ``docs/api.md``."""
    parts = ["# API reference (Markdown)\n",
             "Generated from the docstrings by `docs/_ext/api_markdown.py` for reading in the repository; "
             "the documentation site renders the same objects from [api.md](api.md). "
             "Do not edit by hand: `PYTHONPATH=src python docs/_ext/api_markdown.py`.\n"]
    lines = SOURCE.read_text(encoding="utf-8").splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("## "):
            parts.append(line + "\n")
        elif line.startswith("::: "):
            dotted = line[4:].strip()
            members = None
            j = i + 1
            while j < len(lines) and lines[j].startswith("    "):
                m = re.search(r"members:\s*\[(.*)\]", lines[j])
                if m:
                    members = [x.strip() for x in m.group(1).split(",")]
                j += 1
            obj = _resolve(dotted)
            if members is not None and inspect.ismodule(obj):
                for name in members:
                    parts.append(_entry(f"{dotted}.{name}", getattr(obj, name)))
            else:
                parts.append(_entry(dotted, obj))
            i = j
            continue
        i += 1
    return "\n".join(parts).rstrip() + "\n"


if __name__ == "__main__":
    TARGET.write_text(render(), encoding="utf-8")
    sys.stdout.write(f"wrote {TARGET}\n")
