"""PDF with fpdf2: A4, the DejaVu Sans font that matplotlib ships (so any text prints,
not only Latin-1), tables with a header row, charts as PNG images from memory, and a
footer with the page number on every page."""

from __future__ import annotations

import contextlib
import io
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, TypedDict

from ips_field.documents.charts import chart_png
from ips_field.documents.model import Bullets, Chart, Document, Heading, Paragraph, Table

SIZES = {0: 18, 1: 14, 2: 12, 3: 11}
LONG_CELL = 1200  # characters: a row with a longer cell is printed below, as paragraphs

if TYPE_CHECKING:  # fpdf is imported lazily, when a PDF is made
    from fpdf.enums import XPos, YPos
    from fpdf.fonts import FontFace


class _NextLine(TypedDict):
    """multi_cell's keywords for "then go to the start of the next line"."""

    new_x: XPos
    new_y: YPos


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    """fpdf2 logs the characters a font lacks (a name's letters, say): keep them out of
    every log while a document is rendered."""
    log = logging.getLogger("fpdf")  # its modules' loggers inherit this level
    before = log.level
    log.setLevel(logging.ERROR)
    try:
        yield
    finally:
        log.setLevel(before)


def _font_dir() -> Path:
    import matplotlib

    return Path(matplotlib.get_data_path()) / "fonts" / "ttf"


def to_pdf(doc: Document) -> bytes:
    with _quiet():
        return _to_pdf(doc)


def _to_pdf(doc: Document) -> bytes:
    from fpdf import FPDF
    from fpdf.enums import XPos, YPos

    footer = doc.footer

    class Page(FPDF):
        def footer(self) -> None:
            self.set_y(-12)
            self.set_font("DejaVu", "", 8)
            self.set_text_color(90)
            page = f"Page {self.page_no()} of {{nb}}"
            room = self.epw - self.get_string_width("Page 00 of 00") - 4
            text = footer
            while text and self.get_string_width(text) > room:  # one line, never clipped
                text = text[:-2].rstrip() + "\u2026"
            self.cell(room, 6, text, align="L")
            self.cell(0, 6, page, align="R")
            self.set_text_color(0)

    pdf = Page(format="A4")
    pdf.alias_nb_pages()
    pdf.set_margins(18, 18, 18)
    pdf.set_auto_page_break(True, margin=18)
    fonts = _font_dir()
    pdf.add_font("DejaVu", "", str(fonts / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(fonts / "DejaVuSans-Bold.ttf"))
    pdf.add_font("DejaVu", "I", str(fonts / "DejaVuSans-Oblique.ttf"))
    pdf.set_title(doc.title)
    pdf.set_author(doc.author)
    pdf.set_creator("ips-field")
    pdf.set_producer("ips-field")
    if doc.made_at is not None:
        pdf.set_creation_date(doc.made_at)
    pdf.add_page()
    nl: _NextLine = {"new_x": XPos.LMARGIN, "new_y": YPos.NEXT}

    def heading(text: str, level: int) -> None:
        pdf.set_font("DejaVu", "B", SIZES[level])
        if pdf.get_y() > pdf.h - 45:  # keep a heading with what follows it
            pdf.add_page()
        pdf.ln(3 if level else 0)
        pdf.multi_cell(0, SIZES[level] * 0.5, text, **nl)
        pdf.ln(1)

    heading(doc.title, 0)
    if doc.subtitle:
        pdf.set_font("DejaVu", "", 11)
        pdf.multi_cell(0, 6, doc.subtitle, **nl)
        pdf.ln(2)
    for block in doc.blocks:
        if isinstance(block, Heading):
            heading(block.text, block.level)
        elif isinstance(block, Paragraph):
            note = block.style == "note"
            pdf.set_font("DejaVu", "I" if note else "", 9 if note else 10.5)
            pdf.multi_cell(0, 5.2, block.text, **nl)
            pdf.ln(1.5)
        elif isinstance(block, Bullets):
            pdf.set_font("DejaVu", "", 10.5)
            for item in block.items:
                pdf.set_x(pdf.l_margin + 3)
                pdf.multi_cell(0, 5.2, f"\u2022 {item}", **nl)
            pdf.ln(1.5)
        elif isinstance(block, Table):
            pdf.set_font("DejaVu", "", 9.5)
            cols = len(block.header)
            first = 0.5 if cols > 1 else 1.0
            widths = [first] + [(1 - first) / (cols - 1)] * (cols - 1) if cols > 1 else [1.0]
            if block.widths and len(block.widths) == cols:
                widths = block.widths
            align = ["LEFT"] + (["RIGHT"] if block.numeric else ["LEFT"]) * (cols - 1)
            short = [r for r in block.rows if max(map(len, r), default=0) <= LONG_CELL]
            if short or not block.rows:
                with pdf.table(
                    col_widths=[w * 100 for w in widths],
                    text_align=align,
                    line_height=5.5,
                    headings_style=_bold(),
                    first_row_as_headings=True,
                ) as table:
                    for values in [block.header, *short]:
                        row = table.row()
                        for value in values:
                            row.cell(value)
            for values in (r for r in block.rows if max(map(len, r), default=0) > LONG_CELL):
                pdf.ln(2)  # too long for one page as a table row: label, then the text
                pdf.set_font("DejaVu", "B", 9.5)
                pdf.multi_cell(0, 5.5, values[0], **nl)
                pdf.set_font("DejaVu", "", 9.5)
                for value in values[1:]:
                    pdf.multi_cell(0, 5.2, value, **nl)
            pdf.ln(3)
        elif isinstance(block, Chart):
            png = chart_png(block)
            if pdf.get_y() > pdf.h - 95:
                pdf.add_page()
            pdf.image(io.BytesIO(png), w=pdf.epw)
            pdf.ln(2)
    return bytes(pdf.output())


def _bold() -> FontFace:
    from fpdf.fonts import FontFace

    return FontFace(family="DejaVu", emphasis="BOLD", fill_color=(230, 234, 238))
