"""The fixed vocabularies records use: consent purposes and their wording, voices, roles,
interest types, referral sources, statuses, CPD topics and statutory key dates. Each maps
a stored value to the words a person reads. Nothing here does I/O."""

from __future__ import annotations

CONSENT_PURPOSES = {
    "record": "Keep a record of the case",
    "share_office": "Share notes with the office (retired: part of keeping a record)",
    "share_named_party": "Share with a named party",
    "represent_views": "Represent the parent's views",
    "contact_evaluation": "Contact for evaluation",
    "willing_consulted": "Willing to be consulted",
}

# Purposes no longer asked for; old consents stay readable. "Keep a record" covers the
# service as a whole, office supervision included, and says so in the words read out.
RETIRED_PURPOSES = frozenset({"share_office"})

# The words the volunteer reads to the parent before asking, per purpose.
CONSENT_WORDING = {
    "record": (
        "May I keep a record of your case? The record belongs to the service, not to me: "
        "it is kept securely, and the service's office, including my supervisor, reads it "
        "to check the support you get and to keep it going if I cannot. It is not shared "
        "with the school or the local authority unless you agree to that separately."
    ),
    "share_named_party": (
        "May I share what we have recorded with the person or organisation named here? "
        "Only with them, and only for this case."
    ),
    "represent_views": (
        "Would you like me to speak for you in meetings, putting across your views as you "
        "have told them to me? I will only do that with your permission, and I will say "
        "when I am doing it."
    ),
    "contact_evaluation": (
        "May the service contact you to ask how the support went? It helps us to improve."
    ),
    "willing_consulted": (
        "Would you be willing to be asked, now and then, about the service and how it "
        "should develop?"
    ),
}

CONSENT_HOW = ("verbal", "written", "email", "phone", "text message")

VOICES = {
    "ips_role_statement": "Role statement",
    "parent_view": "Parent's view",
    "procedure": "Explaining procedure",
    "option": "Option discussed",
    "professional_view": "Professional's view",
    "agreed_action": "Agreed action",
    "general": "General note",
    "consent_asked": "Consent asked (first contact)",
}

VOLUNTEER_ROLES = {
    "support": "Support the parent",
    "represent": "Represent the parent's views",
    "strategic": "Contribute to strategic discussion",
    "decisions": "Take part in decisions",
}

INTEREST_TYPES = {
    "governor": "Governor",
    "clerk": "Clerk to governors",
    "staff": "Member of staff",
    "parent_of_pupil": "Parent of a pupil",
    "relative_at_setting": "Relative works or studies there",
    "relative": "Related to",
    "friend": "Close friend of",
    "home_area": "Home area",
}

APPROVAL_HOW = {
    "in_person": "in person",
    "phone": "by phone",
    "email": "by email",
    "letter": "by letter",
}

REFERRAL_SOURCES = {  # a fixed list, so a report can count it without naming anyone
    "parent": "The parent or carer",
    "school": "School or setting",
    "local_authority": "Local authority",
    "health": "Health service",
    "social_care": "Social care",
    "voluntary": "Voluntary organisation",
    "helpline": "The service's helpline",
    "other": "Other",
}

CASE_STATUSES = ("open", "closed")

EHCP_STATUSES = ("none", "requested", "assessment", "draft", "final", "refused", "ceased")

CPD_TOPICS = (
    "impartiality",
    "sen_law",
    "safeguarding",
    "data_protection",
    "equality",
    "mediation",
    "other",
)

# The dates a case can record for its statutory timelines (``KeyDate.which``). The rules
# that count from them are in ``ips_field/templates/timelines.yaml``; never rename an id.
KEY_DATES = {
    "assessment_requested": "EHC needs assessment requested (received by the LA)",
    "decision_to_assess": "LA decided to carry out the assessment",
    "assessment_refused": "LA refused to carry out the assessment",
    "draft_plan_issued": "Draft EHC plan issued",
    "plan_refused": "LA decided not to issue a plan",
    "final_plan_issued": "Final EHC plan issued",
    "review_meeting_held": "Annual review meeting held",
    "review_report_sent": "Annual review report sent",
    "review_decision_notified": "LA decision after the review notified",
    "amendment_notice_sent": "Amendment notice (proposed amendments) sent",
    "amended_plan_issued": "Amended EHC plan issued",
    "phase_transfer_year": "Phase transfer year",
    "decision_letter": "Decision letter dated",
    "mediation_certificate": "Mediation certificate dated",
    "appeal_lodged": "Appeal received by the tribunal",
    "sar_received": "Subject access request received",
    "sar_extended": "Subject access request: extension notified",
    "sar_responded": "Subject access request answered",
}
