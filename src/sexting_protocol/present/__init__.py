"""Presentation: the decision and the look-ups as blocks with a meaning (`blocks`), worded in
the user's language (`views`: the contacts, the checklist, the decision with its first box, the
conversations and letters), and the record for the file (`report`). No renderer is chosen here."""
