"""The CJK font used by charts, the PDF and the Word file (Noto Sans CJK, from ``noto-cjk-sans-otc``).

Example:
    >>> from talentforecast.report.fonts import cjk_font_path
    >>> cjk_font_path().suffix
    '.ttc'
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from talentforecast.errors import OutputError

FAMILY = "Noto Sans CJK SC"
# What Word should use for East Asian text; Word falls back gracefully if it is not installed.
DOCX_EAST_ASIA = "Noto Sans CJK SC"
DOCX_LATIN = "Noto Sans CJK SC"
CSS_STACK = f"'{FAMILY}', 'Source Han Sans SC', 'Microsoft YaHei', 'PingFang SC', sans-serif"


@cache
def cjk_font_path() -> Path:
    """Path of ``NotoSansCJK-Regular.ttc`` shipped by the ``noto-cjk-sans-otc`` package."""
    try:
        import noto_cjk_sans_otc
    except ImportError as exc:  # pragma: no cover - dependency of the package
        raise OutputError("the CJK font package is missing: pip install noto-cjk-sans-otc",
                          zh="缺少中文字体包：pip install noto-cjk-sans-otc") from exc
    path = Path(noto_cjk_sans_otc.__file__).parent / "NotoSansCJK-Regular.ttc"
    if not path.is_file():  # pragma: no cover
        raise OutputError(f"CJK font file not found: {path}", zh=f"找不到中文字体文件：{path}")
    return path


@cache
def register_matplotlib_font() -> str:
    """Add the CJK font to matplotlib's font manager (once) and return its family name."""
    from matplotlib import font_manager

    names = {f.name for f in font_manager.fontManager.ttflist}
    if FAMILY not in names:
        font_manager.fontManager.addfont(str(cjk_font_path()))
    return FAMILY


def matplotlib_rc() -> dict:
    """rcParams for deterministic CJK charts; use with ``matplotlib.rc_context``."""
    return {
        "font.family": [register_matplotlib_font()],
        "axes.unicode_minus": True,
        "svg.hashsalt": "talentforecast",
        "path.simplify": True,
        "figure.dpi": 100,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.grid": True,
        "grid.alpha": 0.3,
        "font.size": 9,
    }


def font_face_css() -> str:
    """``@font-face`` rule pointing WeasyPrint at the local font file (PDF only; HTML stays self-contained)."""
    uri = cjk_font_path().resolve().as_uri()
    return f"@font-face {{ font-family: '{FAMILY}'; src: url('{uri}'); }}"
