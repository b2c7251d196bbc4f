"""The command line: `main` (the typer app, the only handler of errors and Ctrl-C), `env` (the
terminal: streams, colour, pager, signals), `prompts` (questionary), `files` (private, atomic
writes), and the commands: `triage` (the terminal front of the conversation, `conversations`),
`practice`, `init` (init, schema, handout), `validate`, `web` (serves the browser front)."""
