"""What each command shows: blocks for the renderers and the same content as JSON.

All wording comes from the data (`protocol.yaml`, `contacts.yaml`, `ui.yaml`) in the chosen
language; this module only arranges it.
"""

from __future__ import annotations

import unicodedata
from typing import Any, Optional

from .data import Bundle
from .model import Contact, Detail, PlanItem, Route, Section, Step, Text
from .render import Banner, Block, Heading, Items, Para, Table


class View:
    def __init__(self, bundle: Bundle, lang: str):
        self.b, self.lang = bundle, lang
        self.p = bundle.protocol

    def tx(self, text) -> str:
        return text.get(self.lang) if text is not None else ""

    def t(self, key: str, **values: Any) -> str:
        return self.b.t(key, self.lang, **values)

    # --- contacts ------------------------------------------------------------------------------

    def detail(self, d: Optional[Detail | str]) -> str:
        if d is None:
            return ""
        if isinstance(d, str):
            return d
        if d.verified == "yes":
            return d.value
        return f"{d.value} ({self.t('unverified' if d.verified == 'no' else 'partly_verified')})"

    def reach(self, c: Contact, fields: tuple, sep: str = "\n") -> str:
        """How to reach a contact: the given fields that it has, joined by `sep`.

        A field is a name (`phone`, `chat`, `website`, `address`, `email`, `person`, `reachable`)
        or a tuple of names, of which the first the contact has is shown. Details are marked
        when not verified; texts are in the chosen language.
        """
        def value(name: str) -> str:
            v = getattr(c, name)
            return self.tx(v) if isinstance(v, Text) else self.detail(v)

        parts = (next((x for n in f if (x := value(n))), "") if isinstance(f, tuple) else value(f) for f in fields)
        return sep.join(x for x in parts if x)

    def contact_line(self, c: Contact) -> str:
        """Name and the quickest way to reach them, for lists inside a plan or checklist."""
        reach = self.reach(c, ("person", ("phone", "chat", "website"), "email"), ", ")
        return f"{c.name}: {reach}" if reach else c.name

    def contact_json(self, c: Contact) -> dict[str, Any]:
        out: dict[str, Any] = {"id": c.id, "name": c.name, "kind": c.kind, "aliases": c.aliases,
                               "purpose": self.tx(c.purpose)}
        if c.when_to_call:
            out["when_to_call"] = self.tx(c.when_to_call)
        for key in ("phone", "chat", "website", "address"):
            d = getattr(c, key)
            if isinstance(d, str):
                out[key] = {"value": d, "source": c.source_file}
            elif d is not None:
                out[key] = {"value": d.value, "verified": d.verified, "source": d.source}
        for key in ("email", "person", "region", "source_file"):
            if getattr(c, key):
                out[key] = getattr(c, key)
        if c.reachable:
            out["reachable"] = self.tx(c.reachable)
        if c.note:
            out["note"] = self.tx(c.note)
        if c.historical:
            out["historical"] = True
        return out

    def contact_rows(self, contacts: list[Contact], sources: bool = False) -> Table:
        rows = []
        for c in contacts:
            reach = self.reach(c, ("phone", "chat", "website", "email", "reachable"))
            name = c.name + (f" ({c.person})" if c.person else "")
            if c.historical:
                name += f" [{self.t('historical')}]"
            use = self.tx(c.purpose) + (f"\n{self.t('when_to_call')}: {self.tx(c.when_to_call)}" if c.when_to_call else "")
            rows.append([name, self.t(f"kind_{c.kind}"), reach, use] + ([c.source_file or ""] if sources else []))
        headers = [self.t("col_name"), self.t("col_kind"), self.t("col_reach"), self.t("col_purpose")]
        return Table(headers + ([self.t("col_source")] if sources else []), rows)

    def find_contacts(self, query: Optional[str], kind: Optional[str]) -> list[Contact]:
        out = []
        q = _fold(query) if query else None
        for c in self.b.contacts.contacts:
            if kind and c.kind != kind:
                continue
            if q:
                hay = [c.id, c.name, c.kind, self.t(f"kind_{c.kind}"), *c.aliases, c.purpose.nl, c.purpose.en or ""]
                if not any(q in _fold(h) for h in hay):
                    continue
            out.append(c)
        return out

    def contacts_blocks(self, found: list[Contact], note: Optional[str] = None, sources: bool = False) -> list[Block]:
        blocks: list[Block] = [Heading(self.t("contacts_title")), self.contact_rows(found, sources)]
        if note:
            blocks.append(Para(note, style="dim"))
        return blocks

    # --- steps and checklists ------------------------------------------------------------------

    def advice_for_step(self, n: int) -> tuple[list, list]:
        return [a for a in self.p.dos if n in a.steps], [a for a in self.p.donts if n in a.steps]

    def advice_line(self, a) -> str:
        return f"{self.tx(a.title)}: {self.tx(a.text)}"

    def contacts_of(self, ids: list[str]) -> list[str]:
        return [self.contact_line(c) for cid in ids if (c := self.b.contact(cid))]

    def contact_text(self, cid: str) -> str:
        """A contact id as a line to read (its id when a layer removed it)."""
        c = self.b.contact(cid)
        return self.contact_line(c) if c else cid

    def section_blocks(self, title: str, sec: Step | Section, with_advice: Optional[int] = None) -> list[Block]:
        blocks: list[Block] = [Heading(title, 2), Para(self.tx(sec.summary), style="italic"),
                               Items([self.tx(i.text) for i in sec.checklist], check=True)]
        if with_advice is not None:
            dos, donts = self.advice_for_step(with_advice)
            if dos:
                blocks += [Heading(self.t("dos"), 3, "bold green"), Items([self.advice_line(a) for a in dos])]
            if donts:
                blocks += [Heading(self.t("donts"), 3, "bold red"), Items([self.advice_line(a) for a in donts])]
        ids = list(dict.fromkeys([*sec.contacts, *(c for i in sec.checklist for c in i.contacts)]))
        if ids:
            blocks += [Heading(self.t("contacts_title"), 3), Items(self.contacts_of(ids))]
        return blocks

    def step_title(self, s: Step) -> str:
        return self.t("step_title", n=s.number, title=self.tx(s.title))

    def section_json(self, sec: Step | Section, step: Optional[int] = None) -> dict[str, Any]:
        out: dict[str, Any] = {"title": self.tx(sec.title), "summary": self.tx(sec.summary),
                               "checklist": [{"id": i.id, "text": self.tx(i.text), "contacts": i.contacts}
                                             for i in sec.checklist]}
        if step is not None:
            dos, donts = self.advice_for_step(step)
            out = {"number": step, **out, "dos": [self.advice_json(a) for a in dos],
                   "donts": [self.advice_json(a) for a in donts]}
        ids = list(dict.fromkeys([*sec.contacts, *(c for i in sec.checklist for c in i.contacts)]))
        out["contacts"] = [self.contact_json(c) for cid in ids if (c := self.b.contact(cid))]
        return out

    # --- routes --------------------------------------------------------------------------------

    def route_section(self, r: Route) -> Optional[Section]:
        """The leaflet's own section for a route: the Zorg- en Veiligheidshuis route has one."""
        return self.p.zvh_route if r.id == "zvh" else None

    def route_plan(self, r: Route) -> list[PlanItem]:
        """The plan items that belong to a route (those shown when the route is chosen)."""
        return [i for i in self.p.triage.plan if i.when is not None and i.when.route == r.id]

    def route_blocks(self, r: Route) -> list[Block]:
        sec = self.route_section(r)
        if sec is not None:
            return self.section_blocks(self.tx(sec.title), sec)
        blocks: list[Block] = [Heading(self.tx(r.name), 2), Para(self.tx(r.description))]
        if r.action:
            blocks.append(Para(self.tx(r.action), "bold red"))
        items = [self.tx(i.text) for i in self.route_plan(r)]
        if items:
            blocks.append(Items(items, check=True))
        if r.contacts:
            blocks += [Heading(self.t("contacts_title"), 3), Items(self.contacts_of(r.contacts))]
        return blocks

    def route_json(self, r: Route) -> dict[str, Any]:
        sec = self.route_section(r)
        if sec is not None:
            return {"id": r.id, **self.section_json(sec)}
        return {"id": r.id, "name": self.tx(r.name), "description": self.tx(r.description),
                "action": self.tx(r.action) if r.action else None,
                "checklist": [{"id": i.id, "text": self.tx(i.text)} for i in self.route_plan(r)],
                "contacts": [self.contact_json(c) for cid in r.contacts if (c := self.b.contact(cid))]}

    def images_blocks(self) -> list[Block]:
        r = self.p.images_rule
        return [Banner(self.tx(r.title), "bold white on red", [self.tx(t) for t in r.never]),
                Heading(self.t("instead"), 3), Items([self.tx(t) for t in r.instead])]

    def images_json(self) -> dict[str, Any]:
        r = self.p.images_rule
        return {"title": self.tx(r.title), "never": [self.tx(t) for t in r.never],
                "instead": [self.tx(t) for t in r.instead]}

    # --- advice and criteria -------------------------------------------------------------------

    def advice_blocks(self, dos: bool = True, donts: bool = True) -> list[Block]:
        blocks: list[Block] = []
        if dos:
            blocks += [Heading(self.t("dos"), 2, "bold green"), Items([self.advice_line(a) for a in self.p.dos])]
        if donts:
            blocks += [Heading(self.t("donts"), 2, "bold red"), Items([self.advice_line(a) for a in self.p.donts])]
        return blocks

    def advice_json(self, a) -> dict[str, Any]:
        return {"id": a.id, "title": self.tx(a.title), "text": self.tx(a.text), "steps": a.steps}

    def criteria_blocks(self) -> list[Block]:
        blocks: list[Block] = [Heading(self.t("criteria_title")), Para(self.tx(self.p.leaflet.intro))]
        for c in self.p.criteria:
            blocks += [Heading(f"{self.tx(c.name)} — “{self.tx(c.youth)}”", 2),
                       Items([self.tx(q) for q in c.check])]
        blocks.append(Heading(self.t("flags_title")))
        for f in self.p.flags:
            blocks += [Heading(f"{self.tx(f.name)}: {self.tx(f.label)}", 2, f.color), Para(self.tx(f.meaning)),
                       Para(self.t("calls_for"), "bold"), Items([self.tx(x) for x in f.calls_for])]
        return blocks

    def criteria_json(self) -> dict[str, Any]:
        return {
            "criteria": [{"id": c.id, "name": self.tx(c.name), "youth": self.tx(c.youth),
                          "check": [self.tx(q) for q in c.check]} for c in self.p.criteria],
            "flags": [{"id": f.id, "name": self.tx(f.name), "label": self.tx(f.label), "meaning": self.tx(f.meaning),
                       "calls_for": [self.tx(x) for x in f.calls_for]} for f in self.p.flags],
        }


def _fold(s: str) -> str:
    """Lower case without accents: 'Zorgcoördinator' matches 'zorgcoordinator'."""
    return "".join(ch for ch in unicodedata.normalize("NFKD", s.casefold()) if not unicodedata.combining(ch))


# --- the triage decision -----------------------------------------------------------------------


class DecisionView(View):
    def __init__(self, bundle: Bundle, lang: str, engine):
        super().__init__(bundle, lang)
        self.e = engine

    def as_json(self, d) -> dict[str, Any]:
        answers: dict[str, Any] = dict(d.answers)
        c = d.confirmed
        if c.flag != d.flag:
            answers["confirmed_flag"] = c.flag
            if c.reason:
                answers["confirmed_reason"] = c.reason
            if c.consulted:
                answers["confirmed_consulted"] = c.consulted
        return {
            "flag": d.flag,
            "confirmed_flag": c.flag,
            "urgent": d.assessment.urgent,
            "criteria": d.assessment.criteria,
            "routes": d.routes,
            "contacts": d.contacts,
            "unknown": d.unknown,
            "asked": d.asked,
            "plan": d.plan,
            "reasons": [r.as_json() for r in d.reasons],
            "answers": answers,
            "lowest_flag_allowed": self.e.limits(d.assessment),
            "language": self.lang,
        }

    def answer_text(self, qid: str, value) -> str:
        if value == "unknown":
            return self.t("unknown_answer")
        return self.e.label(qid, value)

    def urgent_blocks(self, d) -> list[Block]:
        out: list[Block] = []
        for rid in d.routes:
            r = self.e.routes[rid]
            if r.urgent:
                out.append(Banner(self.tx(r.action), "bold white on red", self.contacts_of(r.contacts)))
        return out

    def flag_banner(self, d) -> Banner:
        f = self.p.flags[[x.id for x in self.p.flags].index(d.flag)]
        lines = [self.tx(f.meaning)]
        c = d.confirmed
        if c.flag != d.flag:
            lines.append(self.t("confirmed_as", flag=self.e.flag_name(c.flag), reason=c.reason or ""))
            if c.consulted:
                lines.append(self.t("consulted_who", who=c.consulted))
        return Banner(self.t("proposal", flag=self.tx(f.name), label=self.tx(f.label)), f.color, lines)

    def why_blocks(self, d) -> list[Block]:
        rows = []
        for crit in self.p.criteria:
            rating = d.assessment.criteria[crit.id]
            why = []
            for r in d.reasons:
                if r.kind == "criterion" and r.id == crit.id:
                    said = "; ".join(f"{self.tx(self.e.questions[q].short)}: {self.answer_text(q, a)}"
                                     for q, a in zip(r.questions, r.answers) if q in self.e.questions)
                    rule = next(x for x in self.e.t.ratings[crit.id] if x.id == r.rule)
                    why.append((self.tx(rule.because) + " " if rule.because else "") + f"({said}) → "
                               + ("≥ " if rule.at_least else "") + self.e.flag_name(r.rating))
            if rating == "unknown":
                why.append(self.t("criterion_unknown"))
            rows.append([self.tx(crit.name), self.e.flag_name(rating) if rating != "unknown" else self.t("unknown_answer"),
                         "\n".join(why)])
        blocks: list[Block] = [Heading(self.t("why_title"), 2),
                               Table([self.t("col_criterion"), self.t("col_rating"), self.t("col_why")], rows)]
        steps = [self.t("worst_criterion", flag=self.e.flag_name(d.assessment.base))]
        steps += [r.effect for r in d.reasons if r.kind in ("escalation", "floor")]
        blocks.append(Items(steps))
        warnings = [r.effect for r in d.reasons if r.kind == "warning"]
        if warnings:
            blocks += [Heading(self.t("warnings_title"), 3, "bold yellow"), Items(warnings, style="yellow")]
        return blocks

    def routes_blocks(self, d) -> list[Block]:
        return [Heading(self.t("routes_title"), 2),
                Items([f"{self.tx(self.e.routes[r].name)}: {self.tx(self.e.routes[r].description)}" for r in d.routes])]

    def plan_blocks(self, d) -> list[Block]:
        blocks: list[Block] = [Heading(self.t("plan_title"), 2)]
        for step in d.plan:
            blocks.append(Heading(self.t("step_title", n=step["step"], title=step["title"]), 3))
            lines = []
            for item in step["items"]:
                line = item["text"]
                reach = self.contacts_of(item.get("contacts", []))
                if reach:
                    line += " (" + "; ".join(reach) + ")"
                lines.append(line)
            blocks.append(Items(lines, check=True))
            advice = [a for a in (*self.p.dos, *self.p.donts)
                      if any(a.id in item.get("advice", []) for item in step["items"])]
            if advice:
                blocks.append(Para(self.t("advice_here") + " " + "; ".join(self.tx(a.title) for a in advice), "dim"))
        return blocks

    def contact_blocks(self, d) -> list[Block]:
        """Whom to call for this case: name, how to reach them, and when."""
        rows = [[c.name, self.reach(c, ("phone", "chat", "email", "person")) or self.reach(c, ("website",)),
                 self.tx(c.when_to_call) or self.tx(c.purpose)]
                for cid in d.contacts if (c := self.b.contact(cid))]
        return [Heading(self.t("contacts_title"), 2),
                Table([self.t("col_name"), self.t("col_reach"), self.t("when_to_call")], rows)]

    def blocks(self, d, note: Optional[str] = None) -> list[Block]:
        """The decision screen: urgent first, then the proposal, why, routes, plan, contacts."""
        r = self.p.images_rule
        out: list[Block] = [*self.urgent_blocks(d), self.flag_banner(d)]
        out += [Para(self.tx(self.p.leaflet.disclaimer), "dim")]
        out += self.why_blocks(d) + self.routes_blocks(d) + self.plan_blocks(d) + self.contact_blocks(d)
        out.append(Banner(self.tx(r.title), "bold white on red", [self.tx(t) for t in r.never]))
        if note:
            out.append(Para(note, "dim"))
        return out
