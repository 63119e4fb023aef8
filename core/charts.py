"""Server-rendered SVG charts: geometry computed here, drawn by templates/includes/chart_*.html.

Every chart is an `<svg role="img">` with a title and a description, its values written on
the bars (readable in grey and without colour), and a data table beside it with the same
figures. No JavaScript and nothing from a CDN.
"""

from dataclasses import dataclass

WIDTH = 640        # the viewBox width; the SVG scales to its container
LABEL_WIDTH = 200  # room for the row labels on the left
VALUE_ROOM = 130  # room after the longest bar for its written value ("USD 100,000.00")
BAR = 22
GAP = 10
# One fill per series, told apart by pattern as well as by shade.
PATTERNS = ("solid", "hatch", "dots", "cross")


@dataclass(frozen=True)
class Segment:
    series: int
    x: float
    width: float
    value: object
    text: str


@dataclass(frozen=True)
class Bar:
    label: str
    y: float
    segments: tuple
    total_text: str
    end: float
    url: str = ""


def _scale(maximum) -> float:
    room = WIDTH - LABEL_WIDTH - VALUE_ROOM
    return room / float(maximum) if maximum else 0.0


def bar_chart(rows, *, text=str) -> dict:
    """rows: (label, value, url). One bar per row, its value written after it."""
    return stacked_chart([(label, (value,), url) for label, value, url in rows],
                         series=("",), text=text)


def stacked_chart(rows, *, series, text=str) -> dict:
    """rows: (label, (value per series...), url); series: their names (legend and table).

    Negative values (an overdrawn figure) are drawn as zero and still written in the table.
    """
    totals = [sum(max(float(v or 0), 0) for v in values) for _label, values, _url in rows]
    scale = _scale(max(totals, default=0))
    bars = []
    for index, (label, values, url) in enumerate(rows):
        x, segments = float(LABEL_WIDTH), []
        for position, value in enumerate(values):
            width = max(float(value or 0), 0) * scale
            segments.append(Segment(series=position, x=x, width=width, value=value,
                                    text=text(value)))
            x += width
        bars.append(Bar(label=label, y=GAP + index * (BAR + GAP), segments=tuple(segments),
                        total_text=text(sum(values)) if len(values) > 1 else text(values[0]),
                        end=x + 6, url=url))
    return {
        "bars": bars, "series": [(i, name, PATTERNS[i % len(PATTERNS)])
                                 for i, name in enumerate(series)],
        "width": WIDTH, "height": GAP + len(bars) * (BAR + GAP) + GAP,
        "bar": BAR, "label_x": LABEL_WIDTH - 8, "text_dy": BAR * 0.7,
        "stacked": len(series) > 1,
    }
