"""Domestic abuse: how much is recorded, where, of what kind, and the partnership's response.

The page draws its model (``priorities.domestic_abuse.page``), which the data pack, the draft and the
workbook draw too.
"""

from smp_dash import ui
from smp_dash.priorities import domestic_abuse

bundle, view = ui.page(domestic_abuse.TITLE, domestic_abuse.QUESTION)
ui.draw(ui.figures(domestic_abuse.page, view), bundle, view)
