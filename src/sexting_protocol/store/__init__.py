"""Reading: the data files and their layers into the model, checked; answers files.

`paths` (where the shipped data is) · `yamlio` (bounded, strict YAML reading with lines) ·
`bundle` (the files in use merged with the organisation's layers; a broken layer is left out) ·
`cache` (checked data, keyed by content) · `answers` (an answers file or a JSON report, read and
checked like the conversation's answers). A problem is worded through the words object a caller
gives (`text.Texts`), never by words of its own.
"""
