"""What a user does, once: the UI-free actions that a command and a screen both offer.

``office`` holds the supervisors' use cases over the master record, one module per concern;
``volunteer`` the volunteer's. Each action does the work *and* its audit entry in one place,
so ``ips-office revoke`` and the Revoke key on the Volunteers screen cannot drift apart.
Screens and commands only gather input and show the result. No Textual, no click here.
"""
