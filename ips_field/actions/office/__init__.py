"""The office's use cases: enrolment, revocation, bundles out, case assignment."""
