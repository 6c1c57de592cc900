"""Markdown: headings, paragraphs, lists and pipe tables. Charts are left out: every chart
of a document is drawn from figures that a table beside it already holds."""

from __future__ import annotations

import re

from ips_field.documents.model import Bullets, Document, Heading, Paragraph, Table

_LEADING = re.compile(r"^(\s*)([#>]|[*+\-=](?=\s|$)|\d+[.)](?=\s|$))", re.MULTILINE)


def _text(value: str) -> str:
    """Person-written text cannot turn into a heading, list, quote or link markup."""
    value = value.replace("\\", "\\\\").replace("[", "\\[").replace("]", "\\]")
    value = value.replace("<", "&lt;").replace("`", "\\`")
    return _LEADING.sub(lambda m: m.group(1) + "\\" + m.group(2), value)


def _cell(value: str) -> str:
    return _text(value).replace("|", "\\|").replace("\n", " ")


def to_markdown(doc: Document) -> str:
    lines = [f"# {_cell(doc.title)}", ""]
    if doc.subtitle:
        lines += [_text(doc.subtitle), ""]
    for block in doc.blocks:
        if isinstance(block, Heading):
            lines += [f"{'#' * (block.level + 1)} {_cell(block.text)}", ""]
        elif isinstance(block, Paragraph):
            text = _text(block.text)
            lines += [f"*{text}*" if block.style == "note" and text else text, ""]
        elif isinstance(block, Bullets):
            lines += [f"- {_cell(i)}" for i in block.items] + [""]
        elif isinstance(block, Table):
            lines += _table(block.header, block.rows, block.numeric)
    if doc.footer:
        lines += ["---", "", _text(doc.footer), ""]
    return "\n".join(lines)


def _table(header: list[str], rows: list[list[str]], numeric: bool) -> list[str]:
    align = ["---"] + ["---:" if numeric else "---"] * (len(header) - 1)
    out = ["| " + " | ".join(_cell(h) for h in header) + " |", "| " + " | ".join(align) + " |"]
    out += ["| " + " | ".join(_cell(c) for c in r) + " |" for r in rows]
    return [*out, ""]
