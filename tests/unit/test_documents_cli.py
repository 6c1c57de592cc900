"""``ips-office report --format docx|pdf`` and ``ips-office subject-access``: the files opened
with python-docx and pypdf, private, audited, never over an existing file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ips_field.domain.records import Case, Family, Note
from tests.unit.test_documents import docx_text, pdf_text
from tests.unit.test_reports import office_store, run  # noqa: F401

PASS = "office words here"


@pytest.fixture
def store(office_store: Path) -> Path:  # noqa: F811
    from ips_field.actions.office import open_office

    node = open_office(office_store, PASS)
    try:
        [case] = node.repo.all(Case)
        node.repo.save(
            Family(case_id=case.id, family_name="Quillfeather", parents=[{"name": "Ada"}])
        )
        node.repo.save(Note(case_id=case.id, voice="parent_view", text="We want a review"))
    finally:
        node.store.close()
    return office_store


@pytest.mark.parametrize(("fmt", "read"), [("docx", docx_text), ("pdf", pdf_text)])
def test_report_as_word_and_pdf(store: Path, tmp_path: Path, fmt: str, read) -> None:
    out = tmp_path / f"oct.{fmt}"
    result = run(
        "report", "--from", "2026-10-01", "--to", "2026-10-31", "--format", fmt,
        "--out", str(out), "--store", str(store),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    text = read(out.read_bytes())
    assert "Monthly performance monitoring" in text and "A year earlier" in text
    assert "Cases opened, by referral source" in text
    for secret in ("Quillfeather", "Ada", "Secret School", "R1", "We want"):
        assert secret not in text
    assert oct(out.stat().st_mode & 0o777) == "0o600"


def test_subject_access_pack_docx_pdf_json(store: Path, tmp_path: Path) -> None:
    from ips_field.actions.office import open_office
    from sync import audit

    for fmt, extra in (("docx", ["--annex"]), ("pdf", []), ("json", [])):
        out = tmp_path / f"sar.{fmt}"
        result = run("subject-access", "R1", "--format", fmt, "--out", str(out), "--store",
                     str(store), *extra)  # fmt: skip
        assert result.exit_code == 0, result.output
        assert oct(out.stat().st_mode & 0o777) == "0o600"
        assert "holds the family's names" in result.stderr
    word = docx_text((tmp_path / "sar.docx").read_bytes())
    assert "Subject access: the information we hold" in word and "Case R1" in word
    assert "The family" in word and "Quillfeather" in word and "We want a review" in word
    assert "Annex: the records as held (JSON)" in word
    pdf = pdf_text((tmp_path / "sar.pdf").read_bytes())
    assert "Notes" in pdf and "Recorded on" in pdf and "Annex" not in pdf
    assert "by the office" in pdf  # the records were made at the office, named in words
    data = json.loads((tmp_path / "sar.json").read_text())
    assert data["subject_access_export"] == "R1" and "family" in data["records"]
    node = open_office(store, PASS)
    try:
        actions = [(e["action"], e["detail"]) for e in audit.entries(node)[-3:]]
    finally:
        node.store.close()
    assert actions == [("subject_access", f"R1 {f}") for f in ("docx", "pdf", "json")]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["R1", "--format", "xls", "--out", "s.x"], "docx, pdf or json"),
        (["R1", "--out", "s.pdf"], "--format is needed"),
        (["--format", "pdf", "--out", "s.pdf"], "REF is needed"),
        (["R9", "--format", "pdf", "--out", "s.pdf"], "No case with that reference"),
        (["R1", "--format", "pdf", "--out", "no/s.pdf"], "does not exist"),
        (["R1", "--format", "pdf", "--out", "keep.pdf"], "already exists"),
    ],
)
def test_subject_access_errors_are_one_line_and_write_nothing(
    store: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list, message: str
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "keep.pdf").write_text("keep me")
    before = sorted(p.name for p in tmp_path.iterdir())
    result = run("subject-access", *args, "--store", str(store))
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("ips-office:") and message in lines[0]
    assert sorted(p.name for p in tmp_path.iterdir()) == before
    assert (tmp_path / "keep.pdf").read_text() == "keep me"
