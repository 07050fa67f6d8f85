"""The view a page or a data pack shows: which wards, and which period.

``Filter`` is what the shared sidebar filter returns and what the data pack is built for; it
holds no data, so pages, exports and tests can make one directly.
"""

from __future__ import annotations

from dataclasses import dataclass

from smp_dash.periods import Period

#: The period choice that shows each figure for the period the assessment reports it.
PUBLISHED = "published"
PUBLISHED_WORDS = ("As in the assessment: each figure for the period the assessment reports it (police recorded "
                   "crime: calendar year 2020; ASB, needle finds, hate crime and MARAC: Dec 2019 to Nov 2020; "
                   "domestic abuse by ward: Apr to Nov 2020, the financial year to date)")


@dataclass(frozen=True)
class Filter:
    """The view every page shows: wards (codes; empty = whole borough) and a period choice."""

    wards: tuple[str, ...]
    names: tuple[str, ...]
    kind: str
    period: Period | None
    exclude_outliers: bool = False
    present: bool = False
    suppress: bool = False

    def pick(self, native: Period) -> Period:
        """The period to show for a figure the assessment reports for ``native``."""
        return native if self.kind == PUBLISHED or self.period is None else self.period

    @property
    def area(self) -> str:
        if not self.names:
            return "Whole borough"
        if len(self.names) <= 3:
            return " and ".join([", ".join(self.names[:-1]), self.names[-1]]) if len(self.names) > 1 else self.names[0]
        return f"{len(self.names)} wards"

    def describe(self, native: Period | None = None) -> str:
        """The filter in words, e.g. "Shepway North and Shepway South, Assessment year, Dec 2019 to Nov 2020"."""
        if self.kind == PUBLISHED:
            when = native.long_label if native is not None else "periods as in the assessment"
        else:
            when = self.period.long_label
        return f"{self.area}, {when}"

    @property
    def when(self) -> str:
        """The period in words, for a document that shows many figures."""
        return PUBLISHED_WORDS if self.kind == PUBLISHED or self.period is None else self.period.long_label
