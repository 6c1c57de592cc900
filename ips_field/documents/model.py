"""The document model: a title and a list of blocks, nothing about any output format.

Text from people (notes, views, comments) goes through :func:`clean` when a block is made,
so control characters and bidirectional overrides never reach a Word, PDF or Markdown file
(Word's XML refuses most control characters outright).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from ips_field.domain.dates import uk_date, uk_time  # noqa: F401 (re-exported)

_UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def clean(text: object) -> str:
    """Text safe for every renderer: control and bidi-override characters removed."""
    return _UNSAFE.sub("", str(text))


@dataclass
class Heading:
    text: str
    level: int = 1

    def __post_init__(self) -> None:
        self.text = clean(self.text)
        self.level = min(max(int(self.level), 1), 3)


@dataclass
class Paragraph:
    text: str
    style: str = ""  # "" (body), "note" (smaller, for warnings and captions)

    def __post_init__(self) -> None:
        self.text = clean(self.text)


@dataclass
class Bullets:
    items: list[str]

    def __post_init__(self) -> None:
        self.items = [clean(i) for i in self.items]


@dataclass
class Table:
    header: list[str]
    rows: list[list[str]]
    numeric: bool = False  # columns after the first are figures (right aligned)
    widths: list[float] | None = None  # shares of the page width, one per column

    def __post_init__(self) -> None:
        self.header = [clean(h) for h in self.header]
        width = len(self.header)
        self.rows = [([clean(c) for c in r] + [""] * width)[:width] for r in self.rows]


@dataclass
class Chart:
    """A grouped bar chart: one bar per label for each named series."""

    title: str
    labels: list[str]
    series: dict[str, list[float]]
    unit: str = ""

    def __post_init__(self) -> None:
        self.title = clean(self.title)
        self.labels = [clean(x) for x in self.labels]
        self.series = {clean(k): [float(v) for v in vals] for k, vals in self.series.items()}


Block = Heading | Paragraph | Bullets | Table | Chart


@dataclass
class Document:
    title: str
    blocks: list[Block] = field(default_factory=list)
    subtitle: str = ""
    footer: str = ""  # printed on every page of a PDF, at the end of Word and Markdown
    made_at: dt.datetime | None = None  # stamped into the file's metadata
    author: str = ""

    def __post_init__(self) -> None:
        self.title = clean(self.title)
        self.subtitle = clean(self.subtitle)
        self.footer = clean(self.footer)
        self.author = clean(self.author)

    def add(self, *blocks: Block) -> Document:
        self.blocks.extend(blocks)
        return self

    def text(self) -> str:
        """Every word of the document, for tests and for checks before an export."""
        parts = [self.title, self.subtitle, self.footer]
        for b in self.blocks:
            if isinstance(b, Heading | Paragraph):
                parts.append(b.text)
            elif isinstance(b, Bullets):
                parts += b.items
            elif isinstance(b, Table):
                parts += b.header + [c for r in b.rows for c in r]
            else:
                parts += [b.title, *b.labels, *b.series]
        return "\n".join(parts)
