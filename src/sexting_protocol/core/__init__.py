"""The core: codes and ids only, no words and no files.

`model` (the typed data) · `checks` of references live beside the types in `model` · `engine`
(the decision: flag, routes, priority, plan, first items, the guides of step 3) · `values` (an
answer's value) · `conversation` (one triage as a state and a step function; its `Screen` carries
everything a front shows, worked out once) · `schema` (the JSON Schemas of the data files) ·
`errors` (UserError, DataError, Problem, and what may never reach a reader raw).
"""
