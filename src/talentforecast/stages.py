"""Wires the stage modules into the annual run, in data-flow order."""

from __future__ import annotations
