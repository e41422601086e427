"""Every public callable or class exported through a package ``__all__`` documents an example."""

import importlib
import inspect

import pytest

PACKAGES = ["talentforecast", *(f"talentforecast.{m}" for m in (
    "forecasting", "demand", "supply", "matching", "warning", "report", "export", "dashboard",
    "catalogs", "datasets"))]


def _public(package: str) -> list[tuple[str, object]]:
    mod = importlib.import_module(package)
    out = []
    for name in getattr(mod, "__all__", []):
        obj = getattr(mod, name)
        if name.startswith("_") or inspect.ismodule(obj):
            continue
        if callable(obj):  # functions, classes and wrapped functions (functools.cache): not constants
            out.append((name, obj))
    return out


def test_every_package_has_an_all():
    for package in PACKAGES:
        assert getattr(importlib.import_module(package), "__all__", None), f"{package} has no __all__"


def test_the_walk_finds_callables():
    names = {name for name, _ in _public("talentforecast.export")}
    assert {"export", "read_feed", "feed_spec"} <= names  # feed_spec is a functools.cache wrapper
    assert "FORMATS" not in names  # constants are not checked


@pytest.mark.parametrize("package", PACKAGES)
def test_public_docstrings_have_an_example(package):
    missing = [name for name, obj in _public(package) if "Example" not in (inspect.getdoc(obj) or "")]
    assert not missing, f"{package}: add an 'Example:' section to the docstring of {missing}"
