"""One entry point: a document to bytes for a format, or to a new private file."""

from __future__ import annotations

from pathlib import Path

from ips_field.documents.model import Document
from ips_field.errors import IpsError

FORMATS = ("docx", "pdf", "md")


def render(doc: Document, fmt: str) -> bytes:
    if fmt == "docx":
        from ips_field.documents.word import to_docx

        return to_docx(doc)
    if fmt == "pdf":
        from ips_field.documents.pdf import to_pdf

        return to_pdf(doc)
    if fmt == "md":
        from ips_field.documents.markdown import to_markdown

        return to_markdown(doc).encode("utf-8")
    raise IpsError(f"the format is docx, pdf or md, not {fmt!r}")


def format_of(path: Path, default: str = "md") -> str:
    """The format a file name asks for: .docx, .pdf or .md (anything else: ``default``)."""
    suffix = Path(path).suffix.lower().lstrip(".")
    return suffix if suffix in FORMATS else default


def write_document(doc: Document, fmt: str, out: Path) -> Path:
    """Render fully in memory, then write a new file: mode 0600, atomic, never over one."""
    from ips_field.store.files import write_new_file

    out = Path(out)
    if out.exists():  # refuse before the (slower) rendering
        raise IpsError(f"{out.name} already exists; choose another file name")
    return write_new_file(out, render(doc, fmt))
