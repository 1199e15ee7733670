"""Charts are well-formed, accessible SVG whose bars match the figures and which carry no inline style."""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from markupsafe import Markup

from portal.reports.charts import bar_chart, column_chart, stacked_bar

NS = "{http://www.w3.org/2000/svg}"
PERCENT = {"value_text": lambda v: f"{v:.0f}%"}


def parse(markup: Markup) -> ET.Element:
    assert isinstance(markup, Markup)
    return ET.fromstring(str(markup))  # fails unless well-formed, with the SVG namespace


def texts(root: ET.Element) -> list[str]:
    return [t.text for t in root.iter(f"{NS}text")]


def every_kind(chart_id: str = "c", **kwargs) -> list[Markup]:
    return [
        bar_chart(chart_id, "Dossiers", "Per procedure", [("A", 3)], **kwargs),
        column_chart(chart_id, "On time", "Per month", [("01/2026", 90)], **kwargs),
        stacked_bar(chart_id, "By status", "All dossiers", [("Early", 2), ("Late", 1)], **kwargs),
    ]


def test_every_chart_is_an_image_named_by_its_title_and_description_and_pointing_to_its_table():
    for markup in every_kind("rate", table_id="rate-table"):
        root = parse(markup)
        assert root.tag == f"{NS}svg" and root.get("role") == "img" and root.get("class") == "chart"
        assert root.get("aria-labelledby") == "rate-title rate-desc"
        assert root.get("aria-details") == "rate-table"
        title, desc = list(root)[:2]
        assert (title.tag, title.get("id")) == (f"{NS}title", "rate-title")
        assert (desc.tag, desc.get("id")) == (f"{NS}desc", "rate-desc")
    assert "aria-details" not in every_kind()[0]


def test_no_chart_has_inline_style_which_the_content_security_policy_would_block():
    empties = [bar_chart("e", "t", "d", []), column_chart("e", "t", "d", []), stacked_bar("e", "t", "d", [])]
    for markup in every_kind() + empties:
        assert "style=" not in markup and "<style" not in markup


def test_the_chart_id_is_cut_down_to_safe_characters():
    root = parse(bar_chart('a b"<c>é', "t", "d", [("A", 1)]))
    assert root.get("aria-labelledby") == "a-b--c---title a-b--c---desc"


def test_bars_are_proportional_to_their_values_and_every_value_is_written():
    root = parse(bar_chart("b", "t", "d", [("Dung Quất", 10), ("Chu Lai", 5), ("Tam Kỳ", 0)]))
    widths = [float(r.get("width")) for r in root.iter(f"{NS}rect")]
    assert widths[0] == 2 * widths[1] > 0 and widths[2] == 0
    assert {"Dung Quất", "Chu Lai", "Tam Kỳ", "10", "5", "0"} <= set(texts(root))


def test_labels_are_escaped_and_long_ones_cut_but_kept_whole_in_the_bar_title():
    long = "Cấp Giấy chứng nhận đăng ký đầu tư cho dự án không thuộc diện chấp thuận"
    markup = bar_chart("b", "Thủ tục <b>&", "d", [("<b>&", 1), (long, 2)])
    assert "<b>" not in markup
    root = parse(markup)
    assert root.find(f"{NS}title").text == "Thủ tục <b>&"
    assert "<b>&" in texts(root)
    cut = next(t for t in texts(root) if t.endswith("…"))
    assert long.startswith(cut[:-1]) and len(cut) <= 28
    assert long in [t.text for t in root.iter(f"{NS}title")]


def test_empty_input_says_so():
    say = {"empty_text": "Không có dữ liệu"}
    for markup in (bar_chart("e", "t", "d", [], **say),
                   column_chart("e", "t", "d", [("01/2026", None)], **say),
                   stacked_bar("e", "t", "d", [("Early", 0), ("Late", 0)], **say)):
        assert texts(parse(markup)) == ["Không có dữ liệu"]


def test_a_month_without_figure_is_a_gap_that_keeps_its_label():
    points = [("01/2026", 80), ("02/2026", None), ("03/2026", 40)]
    root = parse(column_chart("m", "t", "d", points, maximum=100, **PERCENT))
    heights = [float(r.get("height")) for r in root.iter(f"{NS}rect")]
    assert len(heights) == 2 and heights[0] == 2 * heights[1]
    assert {"01/2026", "02/2026", "03/2026", "80%", "40%"} <= set(texts(root))
    grid = root.find(f"{NS}g[@class='chart-grid']")
    assert grid.get("aria-hidden") == "true"
    assert texts(grid) == ["0%", "25%", "50%", "75%", "100%"]


def test_two_years_of_months_stay_legible():
    points = [(f"{m:02d}/{y}", 50 + m) for y in (2025, 2026) for m in range(1, 13)]
    root = parse(column_chart("m", "t", "d", points, maximum=100, **PERCENT))
    labels = [t for t in root.iter(f"{NS}text") if t.text in dict(points)]
    assert len(labels) == 24 and all("rotate" in t.get("transform", "") for t in labels)


def test_without_a_maximum_the_scale_ends_on_a_round_value():
    root = parse(column_chart("m", "t", "d", [("2025", 37), ("2026", 12)]))
    assert texts(root.find(f"{NS}g[@class='chart-grid']")) == ["0", "10", "20", "30", "40"]


def test_stacked_shares_add_up_to_100_and_zero_parts_are_listed_but_not_drawn():
    parts = [("Sớm hạn", 1), ("Đúng hạn", 1), ("Trễ hạn", 1), ("Đang xử lý", 0)]
    root = parse(stacked_bar("s", "t", "d", parts))
    legend = [t.text for t in root.iter(f"{NS}text") if ": " in (t.text or "")]
    assert [line.split(":")[0] for line in legend] == [label for label, _ in parts]
    assert sum(int(re.search(r"\((\d+)%\)$", line).group(1)) for line in legend) == 100
    drawn = root.findall(f"{NS}g[@class='chart-part']/{NS}rect")
    assert len(drawn) == 3 and len({r.get("fill") for r in drawn}) == 3
