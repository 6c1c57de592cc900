"""``ips-office volunteers``, ``intake``, ``assign``, and volunteers by name in ``revoke``
and ``export --volunteer``, through the command line on the office test world."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from ips_field.actions import office as off
from ips_field.cli.office import main
from ips_field.domain.records import Case, Family
from ips_field.domain.references import short_code
from ips_field.store.store import Store
from sync import audit
from tests.office_world import OFFICE_PASS, World

REFERRAL_YAML = """\
parent_name: Morwenna Tregarthen
relationship: mother
child_name: Piran Tregarthen
year_group: Year 4
school: Oak Lane Primary
area: Westfield
source: school
reason: Wants help with an EHC needs assessment
"""


@pytest.fixture
def office(world: World) -> World:
    world.office.store.close()  # the command opens the master record itself
    return world


def run(world: World, *args: str, input: str | None = None, code: int = 0):  # type: ignore[no-untyped-def]
    env = {"IPS_OFFICE_PASSPHRASE": OFFICE_PASS, "IPS_OFFICE_STORE": ""}
    result = CliRunner().invoke(
        main, [*args, "--store", str(world.tmp / "office.ipsf")], input=input, env=env
    )
    assert result.exit_code == code, result.output
    return result


def reopen(world: World):  # type: ignore[no-untyped-def]
    return off.office_node(Store.open(world.tmp / "office.ipsf", OFFICE_PASS))


def test_volunteers_lists_id_code_name_status_cases_and_last_bundle(office: World) -> None:
    out = run(office, "volunteers").output.splitlines()
    assert out[0].split() == ["id", "code", "name", "status", "cases", "last", "bundle"]
    anna = next(line for line in out if " Anna " in line).split()
    assert anna[:5] == [office.a, short_code(office.a), "Anna", "active", "1"]
    assert anna[5].startswith("20")  # the date her last bundle arrived
    ben = next(line for line in out if " Ben " in line).split()
    assert ben[3:5] == ["active", "0"]


def test_intake_from_standard_input_assigns_by_name(office: World) -> None:
    result = run(office, "intake", "--from-file", "-", "--volunteer", "anna", input=REFERRAL_YAML)
    assert result.stdout.startswith("Opened IPS-00001, referral received ")
    assert result.stdout.rstrip().endswith("assigned to Anna.")
    assert "Tregarthen" not in result.output
    node = reopen(office)
    try:
        case = next(c for c in node.repo.all(Case) if c.reference == "IPS-00001")
        assert case.assigned_to == office.a
        assert node.repo.for_case(Family, case.id)[0].family_name == "Tregarthen"
        assert [e["action"] for e in audit.entries(node)[-2:]] == ["intake", "assign"]
    finally:
        node.store.close()


def test_intake_asks_for_each_field_when_no_file_is_given(office: World) -> None:
    answers = [
        "",  # received: today
        "parent",
        "Needs advice on a school exclusion",
        "Jory Pascoe",
        "father",
        "",
        "",
        "",
        "Eastgate",
        "Tamsin Pascoe",
        "2015-05-01",
        "",
        "",
        "Beech School",
        "",
    ]
    result = run(office, "intake", input="\n".join(answers) + "\n")
    assert "Opened IPS-00001" in result.stdout and "not yet assigned" in result.stdout


def test_intake_from_a_file_warns_that_the_file_is_plain_text(office: World) -> None:
    path = office.tmp / "referral.yaml"
    path.write_text(REFERRAL_YAML)
    result = run(office, "intake", "--from-file", str(path))
    assert "delete it safely" in result.stderr


@pytest.mark.parametrize(
    ("text", "line"),
    [
        (REFERRAL_YAML.replace("source: school", "source: newspaper"), "source: Referral source"),
        (REFERRAL_YAML + "nickname: Pip\n", "Unknown referral fields: nickname"),
        ("- just\n- a list\n", "not a readable list"),
        ("parent_name: [unclosed\n", "not a readable list"),
    ],
)
def test_a_bad_referral_is_one_line_and_writes_nothing(office: World, text: str, line: str) -> None:
    before = (office.tmp / "office.ipsf").read_bytes()
    result = run(office, "intake", "--from-file", "-", input=text, code=1)
    assert result.output.startswith("ips-office: ") and line in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert "Traceback" not in result.output and "Morwenna" not in result.output
    assert (office.tmp / "office.ipsf").read_bytes() == before


def test_intake_blocked_by_the_conflict_check_writes_nothing(office: World) -> None:
    before = (office.tmp / "office.ipsf").read_bytes()
    text = REFERRAL_YAML.replace("Oak Lane Primary", "Hill School")
    result = run(office, "intake", "--from-file", "-", "--volunteer", "ben", input=text, code=1)
    assert result.output.strip() == (
        "ips-office: volunteer: Blocked: Governor at Hill School, the case's school or "
        "setting. Choose another volunteer (a reason cannot override a block)"
    )
    assert (office.tmp / "office.ipsf").read_bytes() == before


def test_assign_blocked_then_warned_with_a_reason(office: World) -> None:
    node = reopen(office)
    try:
        ref = node.repo.get(Case, office.case_id).reference
        code_b = short_code(office.b)
    finally:
        node.store.close()
    blocked = run(office, "assign", ref, code_b, code=1)
    assert "Blocked: Governor at Hill School" in blocked.output
    # Ben's governorship ends and he declares his home area, which the family's shares
    node = reopen(office)
    try:
        from sync.exchange import export_bundle, import_bundle

        interests = off.volunteer_interests(node, office.b)
        node.store.close()
        for interest in interests:
            office.ben.repo.save(interest.replace(ended_on="2026-11-01"))
        from ips_field.domain.records import Interest

        office.ben.repo.save(
            Interest(interest_type="home_area", area="Northfield", declared_on="2026-01-05")
        )
        node = reopen(office)
        family = node.repo.for_case(Family, office.case_id)[0]
        node.repo.save(family.replace(area="Northfield"))
        bundle = export_bundle(office.ben, node.node_id, office.tmp / "up")
        assert import_bundle(node, bundle, office.tmp / "q").status == "imported"
    finally:
        node.store.close()
    refused = run(office, "assign", ref, "BEN", input="\n", code=1)
    assert "Warning: Home area" in refused.output
    assert refused.output.strip().endswith("ips-office: no reason given; nothing was changed")
    done = run(office, "assign", ref, "BEN", input="Anna is leaving; Ben knows the area\n")
    assert done.stdout.strip() == f"{ref} assigned to Ben. Export to send it to them."
    node = reopen(office)
    try:
        case = node.repo.get(Case, office.case_id)
        assert case.assigned_to == office.b
        last = audit.entries(node)[-1]
        assert last["action"] == "assign"
        assert last["detail"].endswith("(reason: Anna is leaving; Ben knows the area)")
    finally:
        node.store.close()


def test_revoke_and_export_take_a_name_or_code(office: World) -> None:
    out = run(office, "export", "--out", str(office.tmp / "out"), "--volunteer", "Anna")
    assert out.output.strip().endswith("bundle written for Anna")
    run(office, "revoke", short_code(office.b).lower())
    node = reopen(office)
    try:
        assert not node.roster.volunteers[office.b].active
        assert node.roster.volunteers[office.a].active
    finally:
        node.store.close()


@pytest.mark.parametrize("command", ["revoke", "export", "assign"])
def test_an_unknown_volunteer_is_one_line_naming_nobody(office: World, command: str) -> None:
    node = reopen(office)
    try:
        off.enrol(node, "Anna")  # a second Anna, invited
        ref = node.repo.get(Case, office.case_id).reference
    finally:
        node.store.close()
    before = (office.tmp / "office.ipsf").read_bytes()
    args = {
        "revoke": ["revoke", "Zebedee"],
        "export": ["export", "--out", str(office.tmp / "o"), "--volunteer", "Zebedee"],
        "assign": ["assign", ref, "Zebedee"],
    }[command]
    result = run(office, *args, code=1)
    assert result.output.strip() == (
        "ips-office: volunteer: No volunteer has that name or code; "
        "`ips-office volunteers` lists them"
    )
    assert (office.tmp / "office.ipsf").read_bytes() == before


def test_a_referral_file_that_is_a_link_or_too_large_is_refused(office: World) -> None:
    big = office.tmp / "big.yaml"
    big.write_text(REFERRAL_YAML + "needs: " + "x" * 70_000 + "\n")
    link = office.tmp / "link.yaml"
    link.symlink_to(big)
    before = (office.tmp / "office.ipsf").read_bytes()
    for path in (big, link):
        result = run(office, "intake", "--from-file", str(path), code=1)
        assert result.output.strip() == (
            "ips-office: the referral must be a regular file of at most 64 KiB"
        )
    piped = run(office, "intake", "--from-file", "-", input=big.read_text(), code=1)
    assert piped.output.strip() == "ips-office: the referral is larger than 64 KiB"
    assert (office.tmp / "office.ipsf").read_bytes() == before


def test_control_characters_in_a_referral_never_reach_the_terminal(office: World) -> None:
    text = REFERRAL_YAML.replace("Morwenna", "Mor\\x1b[2Jwenna").replace(
        "parent_name: Mor", 'parent_name: "Mor'
    )
    text = text.replace("Tregarthen\nrelationship", 'Tregarthen"\nrelationship', 1)
    result = run(office, "intake", "--from-file", "-", "--volunteer", "anna", input=text)
    assert "\x1b" not in result.output
    node = reopen(office)
    try:
        case = next(c for c in node.repo.all(Case) if c.reference == "IPS-00001")
        assert node.repo.for_case(Family, case.id)[0].parents[0]["name"].startswith("Mor\x1b")
    finally:
        node.store.close()


def test_intake_warned_asks_for_the_reason_or_takes_it_from_the_file(office: World) -> None:
    from ips_field.domain.records import Interest
    from sync.exchange import export_bundle, import_bundle

    office.ben.repo.save(
        Interest(interest_type="home_area", area="Westfield", declared_on="2026-01-05")
    )
    node = reopen(office)
    try:
        bundle = export_bundle(office.ben, node.node_id, office.tmp / "up")
        assert import_bundle(node, bundle, office.tmp / "q").status == "imported"
    finally:
        node.store.close()
    path = office.tmp / "referral.yaml"
    path.write_text(REFERRAL_YAML)
    before = (office.tmp / "office.ipsf").read_bytes()
    refused = run(
        office, "intake", "--from-file", str(path), "--volunteer", "ben", input="\n", code=1
    )
    assert "The conflict check warns: Home area" in refused.output
    assert refused.output.strip().endswith("ips-office: no reason given; nothing was written")
    assert (office.tmp / "office.ipsf").read_bytes() == before
    asked = run(
        office, "intake", "--from-file", str(path), "--volunteer", "ben", input="Ben asked for it\n"
    )
    assert "IPS-00001" in asked.stdout and "assigned to Ben" in asked.stdout
    path.write_text(REFERRAL_YAML + "override_reason: The family asked for Ben\n")
    filed = run(office, "intake", "--from-file", str(path), "--volunteer", "ben")
    assert "IPS-00002" in filed.stdout
    node = reopen(office)
    try:
        details = [e["detail"] for e in audit.entries(node) if e["action"] == "assign"]
        assert details[-2:] == [
            "IPS-00001 to Ben (reason: Ben asked for it)",
            "IPS-00002 to Ben (reason: The family asked for Ben)",
        ]
    finally:
        node.store.close()
