"""The data pack (report.py), PNG export (images.py) and ``smp-dash report``."""

from __future__ import annotations

import html
import re
import struct
from numbers import Number

import pandas as pd
import pytest

from smp_dash import assessment, charts, cli, demo, images, report, schema, store
from smp_dash.periods import Period
from smp_dash.selection import PUBLISHED, PUBLISHED_WORDS

from conftest import BRIDGE, HIGH_STREET, rows, thinned_domestic_abuse

TASK_FORCE = ("Shepway North", "Shepway South")
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def demo_data(maidstone):
    """The demonstration frames and Maidstone's ward names, built once for the module."""
    wards, lsoas = maidstone
    return demo.build(wards, lsoas), dict(zip(wards["ward_code"], wards["ward_name"]))


def _pack(demo_data, **options) -> str:
    frames, names = demo_data
    settings = dict(ward_names=names, demo=True, generated_at="1 Apr 2021 09:00 UTC",
                    provenance={name: {"source": "demonstration", "rows": len(frame), "demo": True}
                                for name, frame in frames.items()})
    return report.data_pack(frames, **{**settings, **options})


@pytest.fixture(scope="module")
def default_pack(demo_data) -> str:
    """The pack "as in the 2020-21 assessment": every figure for the period the assessment gives it."""
    return _pack(demo_data, period_kind=PUBLISHED)


def _figure_row(pack: str, label: str) -> str:
    """The value cell of the first key-figure row called ``label``."""
    found = re.search(rf"<tr><td>{re.escape(label)}</td><td class=\"n\">([^<]*)</td><td>([^<]*)</td>", pack)
    assert found, f"no key figure {label!r} in the pack"
    return found.group(1), found.group(2)


@pytest.mark.parametrize("text", [
    "2,888",                        # recorded domestic abuse, 2020
    "+5.7%",                        # ... its change on 2019, to one decimal as the assessment gives it
    "15,201",                       # police recorded crime, 2020
    "2,511",                        # needles found, Dec 2019 to Nov 2020
    "380",                          # hate crimes, Dec 2019 to Nov 2020
    PUBLISHED_WORDS.split(":")[0],  # the period in words says the figures are as published
    report.TITLE,
    demo.NOTICE,                    # the demonstration-data notice
    "police.uk locations are approximate",
    "Police data shows only crime that was reported and recorded.",
    "Action plan: Domestic abuse",
    "Provenance",
])
def test_default_pack_holds_the_published_figures_and_caveats(default_pack, text):
    assert text in default_pack


def test_default_pack_key_figures(default_pack):
    assert _figure_row(default_pack, "Domestic abuse crimes") == ("2,888", "+156 (+5.7%) on 2019")
    assert _figure_row(default_pack, "Recorded crime")[0] == "15,201"
    assert _figure_row(default_pack, "Needles found")[0] == "2,511"
    assert _figure_row(default_pack, "Hate crimes")[0] == "380"


def test_every_priority_has_a_section(default_pack):
    sections = re.findall(r"<h2>([^<]+)</h2>", default_pack)
    assert sections == ["Overview: headline figures", "Serious and organised crime", "Children and young people",
                        "Domestic abuse", "Substance misuse", "Mental health",
                        "Community protection and anti-social behaviour", "Police data and the Kent comparison",
                        "How Maidstone compares", "The Shepway task force", "MoRiLE priorities", "Provenance"]
    # the draft's chapters are the pack's, each named once (its page model's CHAPTER or NAME)
    from test_draft import CHAPTERS
    assert sections[1:-1] == CHAPTERS[2:-2]


def test_plotly_is_inlined_once_and_every_chart_is_interactive(default_pack):
    assert default_pack.count("* plotly.js v") == 1
    charts_drawn = default_pack.count('class="plotly-graph-div"')
    assert charts_drawn >= 10
    assert default_pack.count("Plotly.newPlot(") == charts_drawn
    # The bundle comes before the first chart that needs it.
    assert default_pack.index("* plotly.js v") < default_pack.index("Plotly.newPlot(")


def test_pack_references_nothing_outside_itself(default_pack):
    assert not re.search(r"<script[^>]*\bsrc\s*=", default_pack, re.I)
    assert not re.search(r"<link\b", default_pack, re.I)
    assert not re.search(r"<(img|iframe)\b[^>]*\bsrc\s*=\s*[\"']?https?:", default_pack, re.I)
    assert "@import" not in default_pack


def test_ward_selection_changes_the_numbers(demo_data):
    frames, names = demo_data
    codes = tuple(code for code, name in names.items() if name in TASK_FORCE)
    crimes = frames["crimes"]
    # Counted here straight from the rows, not through the cube the pack uses.
    expected = int((crimes["ward_code"].isin(codes) & (crimes["month"].dt.year == 2020)).sum())
    pack = _pack(demo_data, wards=codes, demo=False)
    assert _figure_row(pack, "Recorded crime")[0] == f"{expected:,}"
    assert expected < 15201
    assert "<strong>Area:</strong> Shepway North and Shepway South" in pack
    assert demo.NOTICE_TITLE not in pack


def test_chosen_period_replaces_the_published_ones(demo_data):
    pack = _pack(demo_data, period_kind="calendar", period_label="2019")
    assert _figure_row(pack, "Recorded crime")[0] == "17,260"
    assert "Calendar year 2019" in pack
    assert PUBLISHED_WORDS.split(":")[0] not in pack


def test_text_from_the_data_is_escaped():
    frames = {name: schema.empty(name) for name in schema.DATASETS}
    frames["crimes"] = schema.validate(rows("crimes", {"ward_code": HIGH_STREET}), "crimes", "test")
    frames["actions"] = schema.validate(rows("actions", {"action": "<script>alert(1)</script>"}), "actions", "test")
    pack = report.data_pack(frames, wards=(HIGH_STREET,), ward_names={HIGH_STREET: "<b>x</b>", BRIDGE: "Fant"}, demo=False,
                            generated_at="<i>now</i>", provenance={"crimes": {"source": "<img src=x>", "rows": 1}})
    for raw in ("<b>x</b>", "<script>alert(1)</script>", "<i>now</i>", "<img src=x>"):
        assert raw not in pack
    assert "<strong>Area:</strong> &lt;b&gt;x&lt;/b&gt;" in pack
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in pack


@pytest.mark.parametrize("kind, label, expected", [
    ("published", None, None),                                   # each figure keeps its own period
    ("calendar", "2019", "2019"),
    ("calendar", None, "2020"),                                  # no label: the latest with a year before it
    ("financial", "2019/20", "2019/20"),
    ("assessment", "Dec 2019 to Nov 2020", "Dec 2019 to Nov 2020"),
])
def test_period_from_label(kind, label, expected):
    got = assessment.period_from_label(kind, label, pd.Timestamp("2015-01-01"), pd.Timestamp("2021-03-01"))
    assert (got.label if isinstance(got, Period) else got) == expected


@pytest.mark.parametrize("kind, label, message", [
    ("calendar", "1999", r"unknown calendar period '1999'; choose one of: 2020, 2019"),
    ("weekly", None, r"unknown period type 'weekly'; choose one of: latest, published, calendar"),
    ("published", "2019", r"needs a period type"),
])
def test_period_from_label_rejects_what_the_data_does_not_offer(kind, label, message):
    with pytest.raises(ValueError, match=message):
        assessment.period_from_label(kind, label, pd.Timestamp("2015-01-01"), pd.Timestamp("2021-03-01"))


def test_unknown_ward_code_is_an_error(demo_data):
    with pytest.raises(ValueError, match="unknown ward code.*E99"):
        _pack(demo_data, wards=("E99",))


@pytest.fixture
def demo_store(demo_data, data_dir):
    frames, _ = demo_data
    for name, frame in frames.items():
        store.write(name, frame, source=demo.SOURCE, demo=True, data_dir=data_dir)
    return data_dir


def test_cli_report_writes_the_pack(demo_store, tmp_path, capsys):
    target = tmp_path / "out" / "pack.html"
    code = cli.main(["--data-dir", str(demo_store), "report", "--wards", "Shepway North, Shepway South",
                     "--period-type", "assessment", "--period", "Dec 2019 to Nov 2020", "-o", str(target)])
    assert code == 0
    page = target.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "Shepway North and Shepway South" in page
    assert demo.NOTICE in page
    assert str(target) in capsys.readouterr().out
    assert [p.name for p in target.parent.iterdir()] == ["pack.html"]  # no temporary file left behind


@pytest.mark.parametrize("options, named", [
    (["--wards", "Shepway North,Nowhere"], ["'Nowhere'", "Shepway South"]),
    (["--period-type", "calendar", "--period", "1999"], ["'1999'", "2019"]),
])
def test_cli_report_bad_input_exits_2_naming_it(demo_store, tmp_path, capsys, options, named):
    target = tmp_path / "pack.html"
    assert cli.main(["--data-dir", str(demo_store), "report", *options, "-o", str(target)]) == cli.EXIT_BAD_INPUT
    err = capsys.readouterr().err
    for text in named:
        assert text in err
    assert not target.exists()


def test_figure_png_has_the_requested_size():
    try:
        images.chromium_path()
    except images.ChromiumMissing as exc:
        pytest.fail(f"{exc} Run `python3 dev.py test`, which installs Debian's chromium.")
    fig = charts.bars(pd.DataFrame({"x": ["a", "b"], "y": [3, 4]}), x="x", y="y", title="PNG", colour="#0072B2")
    png = images.figure_png(fig, width=640, height=300)
    assert png[:8] == PNG_SIGNATURE
    assert png[12:16] == b"IHDR"
    assert struct.unpack(">II", png[16:24]) == (640, 300)


def test_missing_chromium_is_a_clear_error(monkeypatch, tmp_path):
    monkeypatch.setenv("SMP_CHROMIUM", str(tmp_path / "no-browser"))
    with pytest.raises(images.ChromiumMissing, match="SMP_CHROMIUM=.*not an executable browser"):
        images.chromium_path()


def test_pack_with_disclosure_control_says_so(default_pack, demo_data):
    from smp_dash import disclosure

    note = html.escape(disclosure.note())          # "<5" is written as text, escaped
    assert note not in default_pack
    assert note in _pack(demo_data, suppress=True)


def test_a_ward_selections_pack_is_always_under_disclosure_control(demo_data):
    """The pack travels: a ward selection's sensitive counts are protected even when control was not asked for."""
    frames, names = demo_data
    thinned, code = thinned_domestic_abuse(frames, names)
    pack = _pack((thinned, names), wards=(code,), period_kind=PUBLISHED)
    assert _figure_row(pack, "Domestic abuse crimes") == ("&lt;5", "not shown (disclosure control)")
    assert "Disclosure control is on" in pack


def test_an_empty_store_gives_no_empty_chart_or_table(maidstone):
    """Nothing loaded: every section says what is missing instead of drawing an empty chart or table."""
    wards, _ = maidstone
    frames = {name: schema.empty(name) for name in schema.DATASETS}
    _, sections = assessment.sections(frames, ward_names=dict(zip(wards["ward_code"], wards["ward_name"])),
                                      provenance={name: None for name in schema.DATASETS})
    for section in sections:
        for fig in section.charts:
            arrays = [getattr(trace, attr, None) for trace in fig.data for attr in ("x", "y", "values")]
            numbers = [v for a in arrays if a is not None for v in list(a) if isinstance(v, Number) and v == v]
            assert numbers, f"{section.title}: empty chart {fig.layout.title.text!r}"
        for title, table in section.tables:
            assert len(table), f"{section.title}: empty table {title!r}"
    notes = " ".join(n for s in sections for n in s.notes)
    assert "Youth offences by financial year: not in the data loaded" in notes
    assert "Warnings, notices and penalties: not in the data loaded" in notes


def test_a_pack_from_the_bundle_the_pages_read_is_the_pack_from_every_row(demo_data):
    """The app builds documents from its bundle (the cubes the pages read), keeping a view's sections in
    it for the next document: the same pack as from the store's frames, for a whole borough and a ward
    selection (disclosure control on), and the sections are made once per view."""
    from smp_dash import assessment, bundle

    frames, names = demo_data
    provenance = {name: {"source": "demonstration", "rows": len(frame), "demo": True} for name, frame in frames.items()}
    data = bundle.build(frames, pd.DataFrame({"ward_code": list(names), "ward_name": list(names.values())}),
                        provenance=provenance)
    same = lambda pack: re.sub(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "id", pack)  # noqa: E731
    for options in (dict(period_kind=PUBLISHED), dict(wards=(HIGH_STREET, BRIDGE))):
        assert same(report.data_pack(data, ward_names=names, demo=True, generated_at="1 Apr 2021 09:00 UTC",
                                     provenance=provenance, **options)) == same(_pack(demo_data, **options))
    first = assessment.sections(data, ward_names=names, wards=(HIGH_STREET, BRIDGE), suppress=True)[1]
    assert assessment.sections(data, ward_names=names, wards=(HIGH_STREET, BRIDGE), suppress=True)[1] is first
    assert assessment.sections(data, ward_names=names, wards=(HIGH_STREET,), suppress=True)[1] is not first
