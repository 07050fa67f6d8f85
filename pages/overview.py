"""Overview: the headline figures, a trend per priority, the wards with most, links to every page.

The page draws its model (``priorities.overview.page``); the data pack, the draft and the workbook
draw its figures, tables and sentences as their executive summary.
"""

from smp_dash import ui
from smp_dash.priorities import overview

bundle, view = ui.page(overview.TITLE, overview.QUESTION)
ui.draw(ui.figures(overview.page, view), bundle, view)
