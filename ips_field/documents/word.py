"""Word (.docx) with python-docx: built-in heading and table styles, charts as pictures."""

from __future__ import annotations

import io

from ips_field.documents.charts import chart_png
from ips_field.documents.model import Bullets, Chart, Document, Heading, Paragraph, Table


def to_docx(doc: Document) -> bytes:
    import docx
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Inches, Pt

    out = docx.Document()
    props = out.core_properties
    props.title = doc.title
    props.author = doc.author
    props.last_modified_by = doc.author
    props.comments = ""
    if doc.made_at is not None:
        props.created = props.modified = doc.made_at.replace(tzinfo=None)
    out.styles["Normal"].font.size = Pt(11)
    out.add_heading(doc.title, level=0)
    if doc.subtitle:
        out.add_paragraph(doc.subtitle, style="Subtitle")
    for block in doc.blocks:
        if isinstance(block, Heading):
            out.add_heading(block.text, level=block.level)
        elif isinstance(block, Paragraph):
            p = out.add_paragraph(block.text)
            if block.style == "note":
                for run in p.runs:
                    run.font.size = Pt(9)
                    run.italic = True
        elif isinstance(block, Bullets):
            for item in block.items:
                out.add_paragraph(item, style="List Bullet")
        elif isinstance(block, Table):
            table = out.add_table(rows=1, cols=len(block.header))
            table.style = "Table Grid"
            table.alignment = WD_TABLE_ALIGNMENT.LEFT
            for cell, text in zip(table.rows[0].cells, block.header, strict=True):
                cell.text = text
                for run in cell.paragraphs[0].runs:
                    run.bold = True
            for row in block.rows:
                cells = table.add_row().cells
                for i, (cell, text) in enumerate(zip(cells, row, strict=True)):
                    cell.text = text
                    if block.numeric and i:
                        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
            if block.widths and len(block.widths) == len(block.header):
                for column, share in zip(table.columns, block.widths, strict=True):
                    for cell in column.cells:
                        cell.width = Inches(6.3 * share)
            out.add_paragraph()
        elif isinstance(block, Chart):
            out.add_picture(io.BytesIO(chart_png(block)), width=Inches(6))
            out.add_paragraph(block.title, style="Caption")
    if doc.footer:
        section = out.sections[0]
        section.footer.paragraphs[0].text = doc.footer
    buf = io.BytesIO()
    out.save(buf)
    return buf.getvalue()
