"""The core: codes and ids only, no words and no files.

`model` (the typed data) · `checks` (what a type cannot say: ids, references, conditions; one
table of every reference) · `conditions` (the one walker over a condition, and what it is
tested against) · `engine` (the decision: flag, routes, priority, plan, first items, the guides
of step 3, the limits of the confirmation) · `analysis` (what the rules read, worked out once) ·
`interview` (the question search: next question, refine, find out, scope) · `values` (an
answer's value) · `conversation` (one triage as a state and a step function; its `Screen` carries
everything a front shows, worked out once) · `schema` (the JSON Schemas of the data files) ·
`errors` (UserError, DataError, Problem, and what may never reach a reader raw).
"""
