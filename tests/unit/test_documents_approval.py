"""The parent's approval written through the repository: how and when, lapsing when the
wording changes, withdrawn when unticked, and shown on the dashboard's meeting item."""

from __future__ import annotations

import datetime as dt

import pytest

from ips_field.actions.volunteer.preparation import save_preparation
from ips_field.domain.due import meetings_soon
from ips_field.domain.records import Consent, Meeting
from ips_field.errors import ValidationError
from ips_field.store.repository import Repository
from ips_field.store.table import MemoryStore


@pytest.fixture
def repo(clock) -> Repository:
    r = Repository(MemoryStore(), node_id="v1", clock=clock)
    r.save(Consent(case_id="c", purpose="record", given_on="2026-01-01"))
    return r


def stored(repo: Repository, **extra) -> Meeting:
    return repo.save(
        Meeting(
            case_id="c",
            meeting_type="ehc_annual_review",
            starts_at="2026-11-30T10:00",
            parent_views="More help in class",
            **extra,
        )
    )


def test_ticking_needs_how_and_records_today(repo: Repository, clock) -> None:
    m = stored(repo)
    with pytest.raises(ValidationError, match="how the parent approved"):
        save_preparation(repo, m.replace(parent_approved=True), ticked=True, how="")
    assert not repo.get(Meeting, m.id).parent_approved  # nothing written
    clock.advance(days=1)
    saved = save_preparation(repo, m.replace(parent_approved=True), ticked=True, how="letter")
    again = repo.get(Meeting, m.id)
    assert not saved.lapsed and again.parent_approved
    assert (again.parent_approved_on, again.parent_approved_how) == ("2026-11-23", "letter")
    assert repo.outbox(0)[-1]["fields"]["parent_approved_how"] == "letter"  # synced as an op


def test_changed_wording_lapses_the_approval(repo: Repository) -> None:
    m = stored(repo)
    save_preparation(repo, m.replace(parent_approved=True), ticked=True, how="phone")
    approved = repo.get(Meeting, m.id)
    same = save_preparation(repo, approved.replace(place="Library"), ticked=True, how="phone")
    assert not same.lapsed and repo.get(Meeting, m.id).parent_approved_how == "phone"
    edited = approved.replace(parent_views="Something new")
    saved = save_preparation(repo, edited, ticked=True, how="phone")
    after = repo.get(Meeting, m.id)
    assert saved.lapsed and not after.parent_approved and after.parent_approved_on is None
    assert after.parent_views == "Something new"


def test_unticking_withdraws(repo: Repository) -> None:
    m = stored(repo)
    save_preparation(repo, m, ticked=True, how="email")
    save_preparation(repo, repo.get(Meeting, m.id), ticked=False, how="email")
    after = repo.get(Meeting, m.id)
    assert not after.parent_approved and after.parent_approved_how == ""


def test_a_forged_approval_is_refused_at_write(repo: Repository) -> None:
    m = stored(repo)
    with pytest.raises(ValidationError):
        repo.save(m.replace(parent_approved_on="2026-11-22", parent_approved_how="pigeon"))
    with pytest.raises(ValidationError):
        repo.save(m.replace(parent_approved_on="yesterday", parent_approved_how="email"))


def test_dashboard_item_says_when_and_how(repo: Repository) -> None:
    m = stored(repo)
    [plain] = meetings_soon([m], dt.date(2026, 11, 22))
    assert "approved" not in plain.title
    save_preparation(repo, m, ticked=True, how="in_person")
    [item] = meetings_soon([repo.get(Meeting, m.id)], dt.date(2026, 11, 22))
    assert item.title.endswith("approved by the parent in person on 22 November 2026")
