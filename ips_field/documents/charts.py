"""Charts drawn by matplotlib on its headless Agg canvas, returned as PNG bytes in memory.

No pyplot (no global figure state, no GUI backend), no temp file: a ``Figure`` with an
Agg canvas saves into a ``BytesIO``. The PNG carries no metadata but the chart itself.
"""

from __future__ import annotations

import io
import warnings

from ips_field.documents.model import Chart

COLOURS = ("#1f5f8b", "#b0b7bd", "#e0a43a", "#5b8c5a")


def chart_png(chart: Chart, *, width_in: float = 6.4, height_in: float = 3.0) -> bytes:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width_in, height_in), dpi=150)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    n = max(len(chart.series), 1)
    width = 0.8 / n
    positions = range(len(chart.labels))
    for i, (name, values) in enumerate(chart.series.items()):
        xs = [p - 0.4 + width * (i + 0.5) for p in positions]
        bars = ax.bar(xs, values, width, label=name, color=COLOURS[i % len(COLOURS)])
        ax.bar_label(bars, labels=[f"{v:g}" for v in values], fontsize=7, padding=1)
    crowded = len(chart.labels) > 5  # narrower columns: shorter lines, smaller type
    ax.set_xticks(
        list(positions),
        [_wrap(x, 10 if crowded else 14) for x in chart.labels],
        fontsize=6 if crowded else 7,
    )
    ax.set_title(chart.title, fontsize=10)
    if chart.unit:
        ax.set_ylabel(chart.unit, fontsize=8)
    ax.tick_params(axis="y", labelsize=7)
    ax.spines[["top", "right"]].set_visible(False)
    ax.margins(y=0.15)
    legend = len(chart.series) > 1
    # Fixed margins (a layout engine would cost a second drawing): room for three-line
    # labels below and, when there are several series, the legend beside the plot.
    fig.subplots_adjust(left=0.08, right=0.76 if legend else 0.98, bottom=0.24, top=0.88)
    if legend:  # beside the plot, never over a bar
        fig.legend(loc="upper left", bbox_to_anchor=(0.77, 0.88), fontsize=7, frameon=False)
    out = io.BytesIO()
    with warnings.catch_warnings():  # "Glyph ... missing" would print a name's letters
        warnings.simplefilter("ignore")
        fig.savefig(out, format="png", metadata={"Software": None})
    return out.getvalue()


def _wrap(label: str, width: int = 14) -> str:
    words, lines, line = label.split(), [], ""
    for w in words:
        if line and len(line) + 1 + len(w) > width:
            lines.append(line)
            line = w
        else:
            line = f"{line} {w}".strip()
    lines.append(line)
    if len(lines) > 4:
        lines = [*lines[:3], lines[3] + "\u2026"]
    return "\n".join(lines)
