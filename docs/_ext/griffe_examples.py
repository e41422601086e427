"""Griffe extension for the API pages: read a Google-style ``Example:`` section as ``Examples:``.

Griffe turns ``Example:`` into an admonition whose ``>>>`` lines render as a block quote; as an
``Examples:`` section they render as code. The docstrings keep their wording.
"""

from __future__ import annotations

import re

import griffe

_HEADING = re.compile(r"^(\s*)Example:\s*$", re.MULTILINE)


class ExampleSections(griffe.Extension):
    def on_object(self, *, obj: griffe.Object, **kwargs) -> None:
        if obj.docstring is not None:
            obj.docstring.value = _HEADING.sub(r"\1Examples:", obj.docstring.value)
