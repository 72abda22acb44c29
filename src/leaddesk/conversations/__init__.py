"""Conversations: the e-mails of a lead after its submission, in both directions.

* :mod:`~leaddesk.conversations.headers`: the headers that thread a mail, read from raw bytes;
* :mod:`~leaddesk.conversations.threads`: which lead a mail belongs to (Message-IDs, else sender
  and subject; tombstones of erased leads);
* :mod:`~leaddesk.conversations.record`: adding messages and keeping unread, counts, last
  contact and the status right, in the caller's transaction;
* :mod:`~leaddesk.conversations.ingest`: the threading step of the store pipeline;
* :mod:`~leaddesk.conversations.timeline`: one lead's timeline and its messages for display;
* :mod:`~leaddesk.conversations.quoting`: folding quoted history.

The Sent-folder sync lives with the IMAP source (:mod:`leaddesk.ingest.sent_folder`).
"""
