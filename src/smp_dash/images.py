"""Charts as PNG images, drawn by kaleido in the system's Chromium.

kaleido 1.x renders a plotly figure in a headless Chrome or Chromium. It never downloads one
here: the browser is found at call time (``SMP_CHROMIUM``, then ``BROWSER_PATH``, then
``/usr/bin/chromium`` and the usual names on ``PATH``), and a clear error says what to install
when none is found.
"""

from __future__ import annotations

import html
import os
import shutil
import textwrap
from pathlib import Path

import plotly.graph_objects as go

#: Where Debian's ``chromium`` package puts the browser.
DEFAULT_CHROMIUM = "/usr/bin/chromium"
#: Names tried on ``PATH`` when neither variable nor the default path gives a browser.
BROWSER_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
#: Height used when neither the caller nor the figure sets one.
DEFAULT_HEIGHT = 500
#: The mark on an image drawn from the demonstration dataset.
DEMO_MARK = "Demonstration data"
CAPTION_COLOUR = "#4B5563"
#: The demonstration mark across the plot.
DEMO_ANNOTATION = dict(text=DEMO_MARK, name="demo", x=0.5, y=0.5, xref="paper", yref="paper", showarrow=False,
                       textangle=-20, opacity=0.18, font=dict(size=56, color="#C00000"))


class ChromiumMissing(FileNotFoundError):
    """No Chromium (or Chrome) to draw PNG images with: a missing file, so the CLI reports it and exits 2."""


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


def labelled(fig: go.Figure, *, source: str = "", period: str = "", view: str = "", demo: bool = False,
             width: int = 1100) -> go.Figure:
    """A copy of ``fig`` that stands alone as an image: the title it has, and under it a line of
    source, period and view; on demonstration data the mark "Demonstration data" across the plot and
    at the head of that line, so a PNG pasted into a paper cannot pass for real figures.

    Parameters
    ----------
    fig : go.Figure
        The figure; it is not changed.
    source, period, view : str
        Where the data came from, its period, and the view (area or wards, and period) it was drawn for.
    demo : bool
        Whether the figure was drawn from the demonstration dataset.
    width : int
        The image's width in CSS pixels: the line is wrapped to fit it.
    """
    parts = [f"{name}: {text.rstrip('.')}." for name, text in (("Source", source), ("Period", period), ("View", view))
             if text]
    if demo:
        parts.insert(0, f"{DEMO_MARK.upper()}.")
    labelled = go.Figure(fig)
    if not parts:
        return labelled
    # About 7 px per character of 12 px text; the title and legend keep their places above and below.
    lines = textwrap.wrap(" ".join(parts), max(40, int(width / 7)))
    title = fig.layout.title.text or ""
    labelled.update_layout(title=dict(text=title, subtitle=dict(text="<br>".join(html.escape(line) for line in lines),
                                                                 font=dict(size=12, color=CAPTION_COLOUR))),
                           margin=dict(t=(fig.layout.margin.t or 56) + 18 * len(lines) + 8))
    if demo:
        labelled.add_annotation(DEMO_ANNOTATION)
    return labelled


def caption_text(fig: go.Figure) -> str:
    """The title and caption lines :func:`labelled` put on ``fig``, as plain text (what the PNG says)."""
    title = fig.layout.title
    subtitle = title.subtitle.text or "" if title.subtitle else ""
    marks = [a.text for a in fig.layout.annotations if a.name == "demo"]
    return html.unescape(" ".join([title.text or "", subtitle.replace("<br>", " "), *marks])).strip()


def figure_png(fig: go.Figure, *, width: int = 1100, height: int | None = None, scale: float = 1,
               source: str = "", period: str = "", view: str = "", demo: bool = False) -> bytes:
    """``fig`` as PNG bytes, ``width`` x ``height`` CSS pixels times ``scale``, labelled to stand
    alone (:func:`labelled`: title, source, period, view and the demonstration mark).

    Parameters
    ----------
    fig : go.Figure
        The figure to draw; it is not changed.
    source, period, view, demo
        What :func:`labelled` writes on the image.
    width : int
        Image width in CSS pixels (the PNG is ``width * scale`` pixels wide).
    height : int, optional
        The chart's height; by default the figure's own layout height, else :data:`DEFAULT_HEIGHT`.
        The caption's lines are added to it, so the plot keeps its size.
    scale : float
        Pixel density: 2 gives a sharper image of the same layout.

    Raises
    ------
    ChromiumMissing
        If no browser is available to draw with.
    """
    import kaleido

    browser = chromium_path()
    spec, opts = _drawing(fig, width, height, scale, source=source, period=period, view=view, demo=demo)
    # mathjax=False: the charts use no LaTeX, and kaleido would otherwise try a CDN for it.
    return kaleido.calc_fig_sync(spec, opts=opts, kopts={"path": browser, "mathjax": False})


def figures_png(figs: list[go.Figure], *, width: int = 1100, scale: float = 1, source: str = "", period: str = "",
                view: str = "", demo: bool = False) -> list[bytes]:
    """Many figures as PNG bytes, as :func:`figure_png` draws each, in one browser session.

    Starting the browser takes about two seconds and each figure then about 0.2 s, so a document
    of twenty charts is drawn in a few seconds rather than forty (``bench/documents.py``); the
    figures are drawn :data:`TABS` at a time, and an image drawn before (the same figure, size and
    labels: the same data and view) is not drawn again (:data:`KEPT_IMAGES` are kept).
    Each figure keeps its own layout height.
    """
    import asyncio

    import kaleido

    browser = chromium_path()     # said even when every image was drawn before: the draft needs one
    drawings = [_drawing(fig, width, None, scale, source=source, period=period, view=view, demo=demo) for fig in figs]
    keys = [_image_key(spec, opts) for spec, opts in drawings]
    todo = {key: drawing for key, drawing in zip(keys, drawings) if key not in _IMAGES}
    if todo:
        async def draw() -> list[bytes]:
            async with kaleido.Kaleido(n=min(TABS, len(todo)), path=browser, mathjax=False) as k:
                return await asyncio.gather(*(k.calc_fig(spec, opts=opts) for spec, opts in todo.values()))

        for key, png in zip(todo, asyncio.run(draw())):
            _keep_image(key, png)
    return [_IMAGES[key] for key in keys]


#: Figures drawn at once, each in a tab of the one browser (two: the server's cores).
TABS = 2
#: Images kept for documents drawn again (a draft of the same view and data), about 150 KB each.
KEPT_IMAGES = 64
_IMAGES: dict[str, bytes] = {}


def _image_key(spec: dict, opts: dict) -> str:
    """What a drawing is, exactly: the figure's JSON and the image options, digested."""
    import hashlib

    import plotly.io

    text = plotly.io.to_json(spec, validate=False) + repr(sorted(opts.items()))
    return hashlib.sha256(text.encode()).hexdigest()


def _keep_image(key: str, png: bytes) -> None:
    _IMAGES[key] = png
    while len(_IMAGES) > KEPT_IMAGES:
        _IMAGES.pop(next(iter(_IMAGES)), None)     # the oldest


def _drawing(fig: go.Figure, width: int, height: int | None, scale: float, **labels) -> tuple[dict, dict]:
    """The figure :func:`labelled` as kaleido takes it, and its image options."""
    spec = labelled_dict(fig, width=width, **labels)
    height = (height or fig.layout.height or DEFAULT_HEIGHT) + _added_margin(spec)
    return spec, {"format": "png", "width": int(width), "height": int(height), "scale": scale}


def labelled_dict(fig: go.Figure, *, source: str = "", period: str = "", view: str = "", demo: bool = False,
                  width: int = 1100) -> dict:
    """``labelled(fig, ...).to_dict()``, made in the figure's dict: copying the figure (plotly validating
    every property again) cost half a draft's preparation of its charts."""
    parts = [f"{name}: {text.rstrip('.')}." for name, text in (("Source", source), ("Period", period), ("View", view))
             if text]
    if demo:
        parts.insert(0, f"{DEMO_MARK.upper()}.")
    spec = fig.to_dict()
    if not parts:
        return spec
    lines = textwrap.wrap(" ".join(parts), max(40, int(width / 7)))
    layout = merged(spec.get("layout", {}), dict(
        title=dict(text=fig.layout.title.text or "", subtitle=dict(text="<br>".join(html.escape(line) for line in lines),
                                                                    font=dict(size=12, color=CAPTION_COLOUR))),
        margin=dict(t=(fig.layout.margin.t or 56) + 18 * len(lines) + 8)))
    if demo:
        layout["annotations"] = [*layout.get("annotations", []), DEMO_ANNOTATION]
    return {**spec, "layout": layout}


def merged(into: dict, changes: dict) -> dict:
    """A figure's dict (its layout, say) ``into`` with ``changes`` laid over it, nested dicts merged as
    plotly's ``update`` merges them: for a renderer that changes a figure's dict rather than copy the
    figure (plotly validates every property of a copy again)."""
    out = dict(into)
    for key, value in changes.items():
        out[key] = merged(out[key], value) if isinstance(value, dict) and isinstance(out.get(key), dict) else value
    return out


def _added_margin(spec: dict) -> int:
    """The height :func:`labelled` added to the top margin of a figure's dict for its caption lines (0 when none)."""
    subtitle = spec.get("layout", {}).get("title", {}).get("subtitle", {}).get("text")
    return 0 if not subtitle else 18 * (subtitle.count("<br>") + 1) + 8


def _executable(path: str) -> bool:
    return Path(path).is_file() and os.access(path, os.X_OK)
