"""Typer plumbing of the CLI: help in the chosen language (click writes its section headings and
the ``--help`` line in English) and commands whose signature is rewritten (typer reads it)."""

from __future__ import annotations

import functools


def help_classes(text: str, headings: dict[str, str]):
    """Group and command classes whose help (the ``--help`` option's own line and the section
    headings click writes in English) is in the chosen language."""
    import re

    from typer.core import TyperCommand, TyperGroup

    pattern = re.compile(r"^(\s*)(" + "|".join(map(re.escape, headings)) + ")", re.MULTILINE) if headings else None

    def get_help_option(self, ctx):
        opt = super(type(self), self).get_help_option(ctx)
        if opt is not None:
            opt.help = text
        return opt

    def format_help(self, ctx, formatter):
        super(type(self), self).format_help(ctx, formatter)
        if pattern is not None:
            text_ = pattern.sub(lambda m: m.group(1) + headings[m.group(2)], "".join(formatter.buffer))
            # the wrapper may break the line after "[default:" (a long option): one string, then replace
            formatter.buffer[:] = [re.sub(r"\[default:\s+", "[默认：", text_.replace("[required]", "[必填]"))]

    methods = {"get_help_option": get_help_option, "format_help": format_help}
    return type("Group", (TyperGroup,), dict(methods)), type("Command", (TyperCommand,), dict(methods))


def without(fn, name: str):
    """``fn`` with parameter ``name`` removed from its signature (typer reads the signature)."""
    import inspect

    sig = inspect.signature(fn)

    @functools.wraps(fn)
    def wrapper(**kw):
        return fn(**kw)

    wrapper.__signature__ = sig.replace(parameters=[p for p in sig.parameters.values() if p.name != name])
    return wrapper


def with_argument(fn, name: str, default):
    """``fn`` with parameter ``name`` made the first, positional CLI argument."""
    import inspect

    sig = inspect.signature(fn)
    params = [p for p in sig.parameters.values() if p.name != name]
    first = sig.parameters[name].replace(default=default)

    @functools.wraps(fn)
    def wrapper(**kw):
        return fn(**kw)

    wrapper.__signature__ = sig.replace(parameters=[first, *params])
    return wrapper
