"""Rules that triage leads on arrival: "every Speakers Bureaus lead goes to Anna".

A rule is ordered, named (unique), enabled or not; when ALL its conditions hold on a new lead its
actions run (assign, round-robin, tag, status, topic, spam, acknowledge), and ``stop`` keeps the
rules below from running. No Qt: the headless worker applies them too.

- ``spec``: conditions and actions as typed (``FIELD=VALUE``, ``ACTION[=VALUE]``), checked
- ``catalog``: the stored rules (add, edit, remove, order), their options, away members
- ``facts`` / ``matching``: what a rule looks at on a lead, and the compiled tests
- ``engine``: planning and applying rules through triage (audited as ``rule: NAME``)
- ``roundrobin``: the even spread that survives restarts and skips away members
- ``acknowledge``: the acknowledgement queue and its sending through the reply service
- ``service``: run, test, preview and undo, for the command line and the window
- ``arrival``: the hook the store pipeline calls for every new batch
"""
