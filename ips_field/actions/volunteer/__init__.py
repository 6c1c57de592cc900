"""The volunteer's use cases over their own store, one module per concern: conflict
checks, meeting preparation, note search, signposting, evaluations, CPD, outreach,
retention. No Textual here: the volunteer app and ``ips-field`` both call these."""
