"""Mental health: section 136, referrals into adult services, the CSVG caseload, surveys and outreach.

The page draws its model (``priorities.mental_health.page``), which the data pack, the draft and the
workbook draw too.
"""

from smp_dash import ui
from smp_dash.priorities import mental_health

bundle, view = ui.page(mental_health.TITLE, mental_health.QUESTION)
ui.draw(ui.figures(mental_health.page, view), bundle, view)
