"""Serious and organised crime: violence, robbery, weapons, drugs, the night-time economy, operations.

The page draws its model (``priorities.serious_organised_crime.page``), which the data pack, the draft
and the workbook draw too.
"""

from smp_dash import ui
from smp_dash.priorities import serious_organised_crime

bundle, view = ui.page(serious_organised_crime.TITLE, serious_organised_crime.QUESTION)
ui.draw(ui.figures(serious_organised_crime.page, view), bundle, view)
