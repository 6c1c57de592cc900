"""Documents people read: one small model rendered to Word, PDF and Markdown (no UI).

``model`` holds the blocks (headings, paragraphs, bullet lists, tables, charts);
``render`` turns a :class:`~ips_field.documents.model.Document` into bytes for a format and
writes it as a new private file. The builders (``parent_views``, ``meeting_record``,
``subject_access``, ``monitoring``) make the four documents of issue 15 from records.
"""

from ips_field.documents.model import Bullets, Chart, Document, Heading, Paragraph, Table
from ips_field.documents.render import FORMATS, render, write_document

__all__ = [
    "FORMATS",
    "Bullets",
    "Chart",
    "Document",
    "Heading",
    "Paragraph",
    "Table",
    "render",
    "write_document",
]
