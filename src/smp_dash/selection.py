"""The view a page or a data pack shows: which wards, and which period.

``Filter`` is what the shared sidebar filter returns and what the data pack is built for; it
holds no data, so pages, exports and tests can make one directly.
"""

from __future__ import annotations

from dataclasses import dataclass

from smp_dash import periods, spc
from smp_dash.periods import Period

#: The period choice that shows each figure for the latest period of the kind the assessment uses for it.
LATEST = "latest"
#: The period choice that shows each figure for the period the 2020-21 assessment reports it.
PUBLISHED = "published"
#: Every period choice, in the order the sidebar offers them.
CHOICES = (LATEST, PUBLISHED) + periods.KINDS
#: Each choice in the period-type box, written into shared links (Streamlit puts the label in the
#: URL, e.g. ``?ptype=Calendar+year``): keep them short and stable. A kind of period is named as
#: in ``periods.KIND_LABELS`` without its months.
CHOICE_LABELS = {LATEST: "Latest", PUBLISHED: "As in the 2020-21 assessment"} | {
    kind: periods.KIND_LABELS[kind].split(" (")[0] for kind in periods.KINDS}
PUBLISHED_WORDS = (f"{CHOICE_LABELS[PUBLISHED]}: each figure for the period the assessment reports it (police "
                   "recorded crime: calendar year 2020; ASB, needle finds, hate crime and MARAC: Dec 2019 to Nov "
                   "2020; domestic abuse by ward: Apr to Nov 2020, the financial year to date)")
LATEST_WORDS = (f"{CHOICE_LABELS[LATEST]}: each figure for the latest complete period of the kind the assessment uses for it (police "
                "recorded crime: calendar year; ASB, needle finds, hate crime and MARAC: December to November; "
                "domestic abuse by ward: the financial year to date), against the same months a year earlier")


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
    #: (dataset, first month, last month, months missing) of each dataset loaded, for the "latest" choice.
    spans: tuple = ()
    #: The control charts' baseline, re-baseline month and directions of improvement.
    control: spc.Settings = spc.Settings()

    def pick(self, native: Period, dataset: str = "crimes") -> Period:
        """The period to show for a figure the assessment reports for ``native`` (from ``dataset``).

        "published": ``native`` itself; "latest": the latest period of ``native``'s shape that
        ``dataset`` covers (``native`` when it covers none, so the figure says it is not covered);
        any other choice: the chosen period.
        """
        if self.kind == PUBLISHED:
            return native
        if self.kind == LATEST:
            spans = {name: span for name, *span in self.spans}
            span = spans.get(dataset) or spans.get("crimes")
            return (periods.latest_like(native, *span) if span else None) or native
        return self.period or native

    @property
    def area(self) -> str:
        if not self.names:
            return "Whole borough"
        if len(self.names) <= 3:
            return " and ".join([", ".join(self.names[:-1]), self.names[-1]]) if len(self.names) > 1 else self.names[0]
        return f"{len(self.names)} wards"

    def describe(self, native: Period | None = None) -> str:
        """The filter in words, e.g. "Shepway North and Shepway South, Assessment year, Dec 2019 to Nov 2020"."""
        return f"{self.area}, {self.during(native)}"

    def during(self, native: Period | None = None) -> str:
        """The period part of :meth:`describe`, e.g. "Assessment year, Dec 2019 to Nov 2020"."""
        if native is not None:
            return self.pick(native).long_label
        if self.kind == LATEST:
            last = max((span[2] for span in self.spans), default=None)
            return "the latest periods in the data" + (f" (to {last:%b %Y})" if last is not None else "")
        if self.kind == PUBLISHED or self.period is None:
            return "periods as in the 2020-21 assessment"
        return self.period.long_label

    @property
    def when(self) -> str:
        """The period in words, for a document that shows many figures."""
        if self.kind == LATEST:
            return LATEST_WORDS
        return PUBLISHED_WORDS if self.kind == PUBLISHED or self.period is None else self.period.long_label


def ward_codes(codes: dict[str, str], names) -> tuple[str, ...]:
    """The codes of the wards ``names`` (e.g. ``config.TOWN_CENTRE_WARDS``) in ``codes`` (name to
    code, as a bundle's ``ward_codes``), in the order named; wards the boundaries lack are left out."""
    return tuple(codes[name] for name in names if name in codes)


def assessment_years(view: Filter) -> str:
    """The strategic assessment's years for the view: "2020-21" when its assessment year (December
    to November) ends in 2020."""
    end = view.pick(periods.ASSESS_2020).end.year
    return f"{end}-{(end + 1) % 100:02d}"
