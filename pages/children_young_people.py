"""Children and young people: youth offending, young offenders by age, youth-related ASB.

The page draws its model (``priorities.children_young_people.page``), which the data pack, the draft
and the workbook draw too.
"""

from smp_dash import ui
from smp_dash.priorities import children_young_people

bundle, view = ui.page(children_young_people.TITLE, children_young_people.QUESTION)
ui.draw(ui.figures(children_young_people.page, view), bundle, view)
