"""How Maidstone compares: recorded crime per 1,000 residents against other partnerships, its rank, a
funnel plot and the trend by quarter (its model, ``priorities.compare.page``, which the data pack, the
draft and the workbook draw too)."""

from smp_dash import ui
from smp_dash.priorities import compare

bundle, view = ui.page(compare.TITLE, compare.QUESTION)
ui.draw(ui.figures(compare.page, view), bundle, view)
