"""Police data: the six-year trend, Kent districts compared, change by crime type, hate crime, IOM.

The page draws its model (``priorities.police_data.page``), which the data pack, the draft and the
workbook draw too.
"""

from smp_dash import ui
from smp_dash.priorities import police_data

bundle, view = ui.page(police_data.TITLE, police_data.QUESTION)
ui.draw(ui.figures(police_data.page, view), bundle, view)
