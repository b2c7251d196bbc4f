"""The command line: `main` (the entry, the only handler of errors and Ctrl-C), `options` (the
global options and the data they lead to), `lookups` (checklist, contacts, advice, criteria, and
the short way that runs a plain look-up without typer), `app` (typer's app: every command, its
help and completion), `env` (the terminal: streams, colour, pager, signals), `prompts`
(questionary), `files` (private, atomic writes), and the commands: `triage` (the terminal front
of the conversation, `conversations`), `followup`, `practice`, `init` (init, schema, handout),
`validate`, `web` (serves the browser front)."""
