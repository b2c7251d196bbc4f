"""The follow-up's outcome as blocks, as every front shows it: whether the weighing stayed or
changed (flag, priority), what is new to do first, and the case's log."""

from __future__ import annotations

from ..core import followup
from .blocks import Block, Heading, Para
from .views import DecisionView


def outcome_blocks(view: DecisionView, before, after, log: list, changed_key: str = "followup_changed") -> list[Block]:
    """`changed_key`: the sentence for a changed flag (the terminal names the command that
    confirms it again; the browser leads on to the confirmation). A flag that stays with a
    priority that changed needs no new confirmation."""
    t = view.t
    out: list[Block] = [Heading(t("followup_title"))]
    if after.flag == before.flag and after.priority == before.priority:
        out.append(Para(t("followup_same", flag=view.flag_word(after.flag),
                          priority=view.tx(view.priorities[after.priority].name))))
    elif after.flag == before.confirmed.flag:
        out.append(Para(t("followup_priority", flag=view.flag_word(after.flag),
                          priority=view.tx(view.priorities[after.priority].name)), "bold"))
    else:
        out.append(Para(t(changed_key, before=view.flag_word(before.confirmed.flag), after=view.flag_word(after.flag),
                          priority=view.tx(view.priorities[after.priority].name)), "bold"))
    if followup.new_first(before, after):
        out += [Para(t("followup_new_first"), "bold"), *view.first_blocks(after)]
    return out + view.log_blocks(log)
