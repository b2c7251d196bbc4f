"""The words: one catalogue (`catalogue`: the interface texts of ui.yaml and the coded messages
of messages.yaml) and one object to read it (`texts.Texts(lang)`), with the one check of a
language asked for (`texts.language`)."""
