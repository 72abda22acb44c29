"""Replying to leads from LeadDesk: saved templates, composing, SMTP sending, a copy in Sent.

``templates`` owns the saved replies and their placeholders, ``compose`` the draft and the exact
e-mail, ``smtp`` the wire, ``sent_copy`` the IMAP APPEND, and ``service`` ties them together with
the database (draft kept on failure, status and audit on success).
"""
