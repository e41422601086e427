"""Render the report context to one self-contained HTML file (inline CSS, images as data URIs).

Example:
    >>> from talentforecast.report.context import build_context
    >>> from talentforecast.report.html import render_html
    >>> "<h2>" in render_html(build_context({}, lang="en"))
    True
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import jinja2
from markupsafe import Markup

from talentforecast.errors import ConfigError
from talentforecast.report.fonts import CSS_STACK, font_face_css

_TEMPLATES = resources.files("talentforecast.report") / "templates"
DEFAULT_TEMPLATE = "report.html.j2"


def _environment(template: str | Path | None) -> tuple[jinja2.Environment, str]:
    loaders: list[jinja2.BaseLoader] = [jinja2.FileSystemLoader(str(_TEMPLATES))]
    name = DEFAULT_TEMPLATE
    if template is not None:
        path = Path(template)
        if not path.is_file():
            raise ConfigError(f"report template not found: {path}", zh=f"找不到报告模板：{path}")
        loaders.insert(0, jinja2.FileSystemLoader(str(path.parent)))
        name = path.name
    env = jinja2.Environment(loader=jinja2.ChoiceLoader(loaders), autoescape=True,
                             undefined=jinja2.StrictUndefined, keep_trailing_newline=True)
    return env, name


def stylesheet() -> str:
    """The default CSS with the font stack filled in."""
    css = (_TEMPLATES / "style.css").read_text(encoding="utf-8")
    return css.replace("var(--font-stack)", CSS_STACK)


def render_html(context: dict, template: str | Path | None = None, *, pdf: bool = False) -> str:
    """HTML text of the report. ``template`` is a user Jinja file (it may extend ``report.html.j2``).

    ``pdf=True`` adds an ``@font-face`` pointing at the local CJK font file, for WeasyPrint only.
    """
    env, name = _environment(template)
    try:
        tpl = env.get_template(name)
        # The CSS is ours, not user data: mark it safe so quotes are not HTML-escaped.
        return tpl.render(**context, css=Markup(stylesheet()), pdf=pdf,
                          font_face_css=Markup(font_face_css() if pdf else ""))
    except jinja2.TemplateError as exc:
        raise ConfigError(f"report template {template or name}: {exc}",
                          zh=f"报告模板 {template or name} 无法套用：{exc}") from exc
