"""The documents people read: each .docx opened with python-docx, each PDF read back with
pypdf; headings, figures, and no family name in a report."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from pathlib import Path

import docx
import pytest
from pypdf import PdfReader

from ips_field.actions.office.monitoring import build_monitoring
from ips_field.documents import Bullets, Chart, Document, Heading, Paragraph, Table, render
from ips_field.documents.meeting import (
    flagged_notes,
    meeting_record_document,
    parent_views_document,
)
from ips_field.documents.monitoring import monitoring_document
from ips_field.documents.render import write_document
from ips_field.domain.approval import approval_text, approve, revised
from ips_field.domain.records import Case, Child, Evaluation, Family, Meeting, Note
from ips_field.errors import IpsError, ValidationError
from tests.unit.test_reports import END, NAMES, START, TYPES, master  # noqa: F401

SECRETS = ("Quillfeather", "Ada", "Tobias", "Larkspur", "C1")


def docx_text(data: bytes) -> str:
    d = docx.Document(io.BytesIO(data))
    parts = [p.text for p in d.paragraphs]
    for t in d.tables:
        parts += [" | ".join(c.text for c in row.cells) for row in t.rows]
    return "\n".join(parts)


def docx_headings(data: bytes) -> list[str]:
    d = docx.Document(io.BytesIO(data))
    return [p.text for p in d.paragraphs if p.style.name.startswith(("Heading", "Title"))]


def pdf_text(data: bytes) -> str:
    assert data.startswith(b"%PDF-")
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    return " ".join(text.split())  # lines wrap where the page ends them


# -- the monitoring report ---------------------------------------------------------------


@pytest.fixture
def monitoring(master):  # noqa: F811
    c1 = master.all(Case)[0]
    master.save(c1.replace(school="Larkspur Academy", referral_source="school"))
    c3 = next(c for c in master.all(Case) if c.reference == "C3")
    master.save(c3.replace(referral_source="local_authority"))
    master.save(Family(case_id=c1.id, family_name="Quillfeather", parents=[{"name": "Ada"}]))
    master.save(Child(case_id=c1.id, name="Tobias", year_group="Year 4"))
    # a year earlier: one case opened, one parent's evaluation sent and returned
    master.save(Case(reference="Y1", school="S", opened_on="2025-10-05"))
    master.save(
        Evaluation(
            case_id=c1.id,
            sent_on="2025-10-01",
            returned_on="2025-10-10",
            scores={"demeanour": 3},
            impartial=True,
        )
    )
    # this period: two sent to parents, one back; a comment naming the family and Vera
    master.save(Evaluation(case_id=c1.id, sent_on="2026-10-02", respondent="parent"))
    master.save(
        Evaluation(
            case_id=c1.id,
            sent_on="2026-10-03",
            returned_on="2026-10-28",
            respondent="parent",
            scores={"demeanour": 5, "impartiality": 4},
            impartial=True,
            comments="Vera helped Ada and tobias at Larkspur Academy; call 07700 900123",
        )
    )
    return build_monitoring(
        master, START, END, service="Test IPS Service", names=NAMES, meeting_types=TYPES
    )


def test_figures_beside_a_year_earlier(monitoring) -> None:
    now, then = monitoring.current, monitoring.earlier
    assert (then.start, then.end) == (dt.date(2025, 10, 1), dt.date(2025, 10, 31))
    assert now.value("Cases", "opened") == 2 and then.value("Cases", "opened") == 1
    assert now.section("Cases opened, by referral source").rows == [
        ("Local authority", 1),
        ("not recorded", 1),
    ]
    with pytest.raises(ValidationError):  # free text could carry a name into the report
        Case(reference="X", school="S", opened_on="2026-10-01", referral_source="Mrs Q").validate()
    evals = dict(now.section("Evaluations sent and returned").rows)
    assert evals["parents: sent"] == 2 and evals["parents: of those, returned"] == 1
    assert evals["parents: response rate (%)"] == 50
    assert evals["parents: returned in the period"] == 2  # the fixture's one and ours
    assert dict(then.section("Evaluations sent and returned").rows)["parents: sent"] == 1
    parents = dict(now.section("Average evaluation scores, parents (1 to 5)").rows)
    assert parents["Impartiality"] == 4.5 and parents["Demeanour"] == 5.0
    pros = dict(now.section("Average evaluation scores, school professionals (1 to 5)").rows)
    assert pros == {"Impartiality": 3.0}
    handled = dict(now.section("Conflicts of interest, and how they were handled").rows)
    assert handled["blocked: the case went to another volunteer"] == 1
    assert handled["warned: continued with a recorded reason"] == 1


def test_comments_are_anonymised(monitoring) -> None:
    [(who, text)] = monitoring.current.comments
    assert who == "parents"
    assert text == "[name] helped [name] and [name] at [name]; call [contact]"


@pytest.mark.parametrize("fmt", ["docx", "pdf", "md"])
def test_monitoring_report_in_every_format(monitoring, fmt: str) -> None:
    data = render(monitoring_document(monitoring), fmt)
    text = {"docx": docx_text, "pdf": pdf_text, "md": lambda b: b.decode()}[fmt](data)
    for heading in (
        "Monthly performance monitoring",
        "Test IPS Service: 1 October 2026 to 31 October 2026",
        "Cases opened, by referral source",
        "Evaluations sent and returned",
        "Average evaluation scores, parents (1 to 5)",
        "Conflicts of interest, and how they were handled",
        "Comments from evaluations (anonymised)",
    ):
        assert heading in text, heading
    assert "A year earlier" in text and "1 October 2025 to 31 October 2025" in text
    if fmt == "md":
        assert "| opened | 2 | 1 |" in text
        assert "| parents: response rate (%) | 50 | 100 |" in text
    for secret in (*SECRETS, "07700"):
        assert secret not in text, secret


def test_word_and_pdf_carry_the_charts(monitoring) -> None:
    doc = monitoring_document(monitoring)
    charts = [b for b in doc.blocks if isinstance(b, Chart)]
    assert {c.title for c in charts} >= {
        "Cases: this period and a year earlier",
        "Average evaluation scores this period, parents and school professionals",
    }
    word = docx.Document(io.BytesIO(render(doc, "docx")))
    assert len(word.inline_shapes) == len(charts)
    reader = PdfReader(io.BytesIO(render(doc, "pdf")))
    assert sum(len(p.images) for p in reader.pages) == len(charts)
    assert docx_headings(render(doc, "docx"))[0] == "Monthly performance monitoring"


def test_titles_and_the_year_earlier_of_29_february(master) -> None:  # noqa: F811
    def title(start: dt.date, end: dt.date) -> str:
        mon = build_monitoring(master, start, end, names=NAMES, kind="annual")
        return monitoring_document(mon).title

    assert title(dt.date(2025, 11, 1), END) == "Annual report to the Advisory Group"
    assert title(dt.date(2026, 5, 1), END) == "Report to the Advisory Group"  # half a year
    mon = build_monitoring(master, dt.date(2028, 2, 1), dt.date(2028, 2, 29), names=NAMES)
    assert (mon.earlier.start, mon.earlier.end) == (dt.date(2027, 2, 1), dt.date(2027, 2, 28))
    assert monitoring_document(mon).title == "Monthly performance monitoring"


def test_anonymiser_takes_names_in_any_punctuation(master) -> None:  # noqa: F811
    from ips_field.actions.office.monitoring import anonymiser

    c1 = master.all(Case)[0]
    master.save(Family(case_id=c1.id, family_name="O'Brien", parents=[{"name": "Jo O'Brien"}]))
    scrub = anonymiser(master, ["Vera"])
    said = "(Jo) thanked VERA; o'brien family, jo.obrien@example.org. Joanna and Veranda stay."
    assert (
        scrub(said) == "([name]) thanked [name]; [name] family, [contact]. Joanna and Veranda stay."
    )


# -- the parent's views and the meeting record -------------------------------------------


def meeting(**extra) -> Meeting:
    base = dict(
        case_id="c",
        meeting_type="ehc_annual_review",
        starts_at="2026-12-03T14:30",
        place="Hill School",
        attendees=[{"name": "Ms Patel", "role": "SENCo"}],
        volunteer_role="support",
        role_statement="I am here to support the parent.",
        role_stated_at="2026-12-03T14:31:00",
        parent_views="Sam needs more help in class.",
        questions=["Who can help with reading?"],
    )
    return Meeting(**{**base, **extra})


def test_approval_is_recorded_and_lapses_when_the_wording_changes() -> None:
    m = approve(meeting(), "phone", dt.date(2026, 11, 22))
    m.validate()
    assert approval_text(m) == "Approved by the parent by phone on 22 November 2026"
    assert revised(m, m.replace(place="Library")).parent_approved
    lapsed = revised(m, m.replace(questions=["Something else?"]))
    assert not lapsed.parent_approved and lapsed.parent_approved_on is None
    assert approval_text(lapsed) == "Not yet approved by the parent"
    with pytest.raises(ValidationError):
        approve(meeting(), "by pigeon", dt.date(2026, 11, 22))
    with pytest.raises(ValidationError):
        approve(meeting(parent_views="", questions=[]), "email", dt.date(2026, 11, 22))
    with pytest.raises(ValidationError):  # a date without the approval itself
        meeting(parent_approved_on="2026-11-22", parent_approved_how="email").validate()


def test_parent_views_document() -> None:
    m = approve(meeting(), "in_person", dt.date(2026, 11, 22))
    doc = parent_views_document(m, meeting_name="EHC plan annual review", volunteer="Vera")
    text = pdf_text(render(doc, "pdf"))
    assert "Your views and questions for the meeting" in text
    assert "Sam needs more help in class." in text and "Who can help with reading?" in text
    assert "You approved this in person on 22 November 2026" in text
    assert "3 December 2026 at 14:30, Hill School" in text
    assert "2026-12-03" not in text


def notes() -> list[Note]:
    flag = [{"phrase": "you should", "alternative": "one option is"}]
    return [
        Note(case_id="c", voice="parent_view", text="Sam is unhappy at lunchtimes"),
        Note(case_id="c", voice="procedure", text="The plan is reviewed every year"),
        Note(case_id="c", voice="option", text="A reading assessment"),
        Note(case_id="c", voice="option", text="You should ask for a new school", flags=flag),
        Note(
            case_id="c",
            voice="professional_view",
            text="Reading is improving",
            speaker="Ms Patel",
            speaker_role="SENCo",
        ),
        Note(
            case_id="c",
            voice="agreed_action",
            text="Send the reading report",
            owner="Ms Patel",
            due_on="2026-12-17",
        ),
    ]


@pytest.mark.parametrize("fmt", ["docx", "pdf"])
def test_meeting_record(fmt: str) -> None:
    items = notes()
    assert [n.text for n in flagged_notes(items)] == ["You should ask for a new school"]
    read = docx_text if fmt == "docx" else pdf_text
    args = dict(meeting_name="EHC plan annual review", volunteer="Vera")
    parent = read(render(meeting_record_document(meeting(), items, **args), fmt))
    for part in (
        "Record of the meeting: EHC plan annual review",
        "Who attended",
        "Ms Patel",
        "The IPS volunteer's role",
        "support the parent",
        "I am here to support the parent.",
        "The parent's views",
        "Sam is unhappy at lunchtimes",
        "What was explained (procedure)",
        "Options discussed",
        "Ms Patel (SENCo): Reading is improving",
        "Agreed actions",
        "17 December 2026",
        "What happens next",
    ):
        assert part in parent, part
    assert "You should ask" not in parent
    for raw in ("2026-12-03", "T14", "c\n"):
        assert raw not in parent
    chosen = read(
        render(meeting_record_document(meeting(), items, include_flagged=True, **args), fmt)
    )
    assert "You should ask for a new school" in chosen
    for_file = read(
        render(meeting_record_document(meeting(), items, for_parent=False, **args), fmt)
    )
    assert "You should ask for a new school" in for_file


# -- the model and the writer ---------------------------------------------------------------


def test_hostile_text_renders_cleanly(tmp_path: Path) -> None:
    nasty = "# Heading?\n| a | b |\n\x00\x1b[31mred\u202eevil [link](http://x)"
    doc = Document(
        "T", blocks=[Paragraph(nasty), Bullets([nasty]), Table(["a", "b"], [[nasty, "1"]])]
    )
    md = render(doc, "md").decode()
    assert "\x00" not in md and "\x1b" not in md and "\u202e" not in md
    assert "\n# Heading" not in md and "\\# Heading?" in md and "\\[link\\]" in md
    assert "red" in docx_text(render(doc, "docx")) and "evil" in pdf_text(render(doc, "pdf"))


def test_a_cell_too_long_for_a_page_still_prints_and_no_letter_reaches_the_log(caplog) -> None:
    import logging

    caplog.set_level(logging.DEBUG)
    long_note = "Sam said " + "the mornings are hard " * 900  # about 20,000 characters
    doc = Document(
        "T", blocks=[Table(["", "What we hold"], [["Note", long_note], ["Name", "学校 Quill"]])]
    )
    text = pdf_text(render(doc, "pdf"))
    squeezed = re.sub(r"Page\d+of\d+", "", "".join(text.split()))  # footers between pages
    assert squeezed.count("morningsarehard") == 900 and "Quill" in text
    assert "学" not in caplog.text and "Quill" not in caplog.text


def test_written_private_and_never_over_a_file(tmp_path: Path) -> None:
    doc = Document("T", blocks=[Heading("H"), Paragraph("p")])
    out = write_document(doc, "pdf", tmp_path / "a.pdf")
    assert oct(out.stat().st_mode & 0o777) == "0o600"
    keep = tmp_path / "b.docx"
    keep.write_text("keep me")
    with pytest.raises(IpsError, match="already exists"):
        write_document(doc, "docx", keep)
    assert keep.read_text() == "keep me"
    with pytest.raises(IpsError, match="docx, pdf or md"):
        render(doc, "xls")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.pdf", "b.docx"]


def test_file_metadata_carries_the_given_time_not_the_wall() -> None:
    made = dt.datetime(2026, 11, 22, 10, 30)
    doc = Document("T", blocks=[Paragraph("p")], made_at=made)
    assert (
        docx.Document(io.BytesIO(render(doc, "docx"))).core_properties.created.replace(tzinfo=None)
        == made
    )
    meta = PdfReader(io.BytesIO(render(doc, "pdf"))).metadata
    assert meta.creation_date.replace(tzinfo=None) == made


def test_subject_access_document_sections() -> None:
    from ips_field.documents.subject_access import subject_access_document

    data = {
        "subject_access_export": "A-001",
        "exported_at": "2026-11-22T10:30:00",
        "records": {
            "family": [{"id": "f", "origin": "v1", "created_at": "2026-10-01T09:00:00",
                        "family_name": "Quillfeather", "parents": [{"name": "Ada"}]}],
            "note": [{"id": "n", "origin": "v1", "created_at": "2026-10-02T11:15:00",
                      "voice": "parent_view", "text": "We want a review"}],
        },
    }  # fmt: skip
    doc = subject_access_document(data, names={"v1": "Vera"}.get, annex=True)
    text = docx_text(render(doc, "docx"))
    assert "Subject access: the information we hold" in text
    assert "The family" in text and "Quillfeather" in text and "Ada" in text
    assert "Notes" in text and "We want a review" in text
    assert "Recorded on 2 October 2026 at 11:15 by Vera" in text
    assert "Annex: the records as held (JSON)" in text and '"family_name"' in text
    no_annex = docx_text(render(subject_access_document(data, names=str), "docx"))
    assert "Annex" not in no_annex and json.dumps("family_name") not in no_annex


def test_the_document_layer_needs_no_ui_and_no_pyplot() -> None:
    import subprocess
    import sys

    code = """
import sys
from ips_field.documents import Chart, Document, render
import ips_field.documents.meeting, ips_field.documents.monitoring
import ips_field.documents.subject_access, ips_field.actions.volunteer.preparation
doc = Document("T", blocks=[Chart("c", ["a"], {"s": [1.0]})])
assert render(doc, "pdf").startswith(b"%PDF") and render(doc, "docx")[:2] == b"PK"
bad = sorted(m for m in sys.modules if m.split(".")[0] in ("textual", "rich"))
bad += [m for m in sys.modules if m in ("matplotlib.pyplot", "tkinter")]
print(",".join(bad))
"""
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""
