"""Griffe extension for the API pages: read a Google-style ``Example:`` section as ``Examples:``
and show Sphinx roles (``:class:`Run```) as inline code.

Griffe turns ``Example:`` into an admonition whose ``>>>`` lines render as a block quote; as an
``Examples:`` section they render as code. The docstrings keep their wording.
"""

from __future__ import annotations

import re

import griffe

_HEADING = re.compile(r"^(\s*)Example:\s*$", re.MULTILINE)
_ROLE = re.compile(r":(?:class|func|meth|mod|data|attr|exc|obj):`~?([^`]+)`")


class ExampleSections(griffe.Extension):
    def on_object(self, *, obj: griffe.Object, **kwargs) -> None:
        if obj.docstring is not None:
            value = _HEADING.sub(r"\1Examples:", obj.docstring.value)
            obj.docstring.value = _ROLE.sub(r"`\1`", value)
