"""The detail pane: the visitor card with triage controls, the message, and the post beside it."""
