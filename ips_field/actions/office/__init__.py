"""The office's use cases over the master record, one module per concern.

Each action does its work and its audit entry in one transaction; the office app
and ``ips-office`` call the same functions. The names below are re-exported so that
``from ips_field.actions import office`` gives them all."""

from __future__ import annotations

from ips_field.actions.office.assignment import OFFICE_CHECK as OFFICE_CHECK
from ips_field.actions.office.assignment import AssignmentBlocked as AssignmentBlocked
from ips_field.actions.office.assignment import assign_case as assign_case
from ips_field.actions.office.assignment import record_check as record_check
from ips_field.actions.office.assignment import volunteer_interests as volunteer_interests
from ips_field.actions.office.conflicts import conflicts_for_review as conflicts_for_review
from ips_field.actions.office.conflicts import decide_conflict as decide_conflict
from ips_field.actions.office.enrolment import confirm_enrolment as confirm_enrolment
from ips_field.actions.office.enrolment import enrol as enrol
from ips_field.actions.office.evaluations import EDITABLE as EDITABLE
from ips_field.actions.office.evaluations import Unreturned as Unreturned
from ips_field.actions.office.evaluations import delete_evaluation as delete_evaluation
from ips_field.actions.office.evaluations import edit_evaluation as edit_evaluation
from ips_field.actions.office.evaluations import (
    record_returned_evaluation as record_returned_evaluation,
)
from ips_field.actions.office.evaluations import unreturned as unreturned
from ips_field.actions.office.family_data import erase_family as erase_family
from ips_field.actions.office.family_data import subject_access as subject_access
from ips_field.actions.office.inbox_preview import KIND_ORDER as KIND_ORDER
from ips_field.actions.office.inbox_preview import NOUNS as NOUNS
from ips_field.actions.office.inbox_preview import Preview as Preview
from ips_field.actions.office.inbox_preview import inbox_files as inbox_files
from ips_field.actions.office.inbox_preview import preview_bundle as preview_bundle
from ips_field.actions.office.inbox_preview import quarantined as quarantined
from ips_field.actions.office.retention import DEFAULT_RETENTION_DAYS as DEFAULT_RETENTION_DAYS
from ips_field.actions.office.retention import retention_schedule as retention_schedule
from ips_field.actions.office.revocation import revoke as revoke
from ips_field.actions.office.setup import RECOVERY_MAGIC as RECOVERY_MAGIC
from ips_field.actions.office.setup import init_office as init_office
from ips_field.actions.office.setup import office_node as office_node
from ips_field.actions.office.setup import open_office as open_office
from ips_field.actions.office.setup import read_recovery_key as read_recovery_key
from ips_field.actions.office.setup import recover_volunteer_store as recover_volunteer_store
from ips_field.actions.office.setup import write_recovery_key as write_recovery_key
from ips_field.actions.office.volunteer_oversight import VolunteerOversight as VolunteerOversight
from ips_field.actions.office.volunteer_oversight import (
    office_follow_ups_due as office_follow_ups_due,
)
from ips_field.actions.office.volunteer_oversight import oversight as oversight
from sync.enrol import PENDING as PENDING
from sync.enrol import read_enrolment_reply as read_enrolment_reply
from sync.enrol import volunteer_enrol as volunteer_enrol
from sync.exchange import export_all as export_all
from sync.exchange import export_for as export_for
from sync.exchange import export_targets as export_targets
from sync.node import NAMES as NAMES
from sync.node import volunteer_name as volunteer_name
