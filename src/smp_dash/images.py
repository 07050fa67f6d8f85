"""Charts as PNG images, drawn by kaleido in the system's Chromium.

kaleido 1.x renders a plotly figure in a headless Chrome or Chromium. It never downloads one
here: the browser is found at call time (``SMP_CHROMIUM``, then ``BROWSER_PATH``, then
``/usr/bin/chromium`` and the usual names on ``PATH``), and a clear error says what to install
when none is found.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import plotly.graph_objects as go

#: Where Debian's ``chromium`` package puts the browser.
DEFAULT_CHROMIUM = "/usr/bin/chromium"
#: Names tried on ``PATH`` when neither variable nor the default path gives a browser.
BROWSER_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
#: Height used when neither the caller nor the figure sets one.
DEFAULT_HEIGHT = 500


class ChromiumMissing(RuntimeError):
    """No Chromium (or Chrome) to draw PNG images with."""


def chromium_path() -> str:
    """The browser kaleido should drive, or :class:`ChromiumMissing` saying how to get one."""
    for variable in ("SMP_CHROMIUM", "BROWSER_PATH"):
        chosen = os.environ.get(variable)
        if chosen:
            if not _executable(chosen):
                raise ChromiumMissing(f"{variable}={chosen!r} is not an executable browser; "
                                      "point it at Chromium or unset it.")
            return chosen
    if _executable(DEFAULT_CHROMIUM):
        return DEFAULT_CHROMIUM
    for name in BROWSER_NAMES:
        found = shutil.which(name)
        if found:
            return found
    raise ChromiumMissing(
        "PNG export needs Chromium, and none was found (looked at SMP_CHROMIUM, BROWSER_PATH, "
        f"{DEFAULT_CHROMIUM} and {', '.join(BROWSER_NAMES)} on PATH). Install it with "
        "`apt-get install chromium` (`python3 dev.py test` does), or set SMP_CHROMIUM to its path.")


def figure_png(fig: go.Figure, *, width: int = 1100, height: int | None = None, scale: float = 1) -> bytes:
    """``fig`` as PNG bytes, ``width`` x ``height`` CSS pixels times ``scale``.

    Parameters
    ----------
    fig : go.Figure
        The figure to draw; it is not changed.
    width : int
        Image width in CSS pixels (the PNG is ``width * scale`` pixels wide).
    height : int, optional
        Image height; by default the figure's own layout height, else :data:`DEFAULT_HEIGHT`.
    scale : float
        Pixel density: 2 gives a sharper image of the same layout.

    Raises
    ------
    ChromiumMissing
        If no browser is available to draw with.
    """
    import kaleido

    browser = chromium_path()
    height = height or fig.layout.height or DEFAULT_HEIGHT
    opts = {"format": "png", "width": int(width), "height": int(height), "scale": scale}
    # mathjax=False: the charts use no LaTeX, and kaleido would otherwise try a CDN for it.
    return kaleido.calc_fig_sync(fig.to_dict(), opts=opts, kopts={"path": browser, "mathjax": False})


def _executable(path: str) -> bool:
    return Path(path).is_file() and os.access(path, os.X_OK)
