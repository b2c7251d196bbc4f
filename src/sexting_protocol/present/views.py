"""What each command shows: blocks for the renderers and the same content as JSON.

All wording comes from the data (`protocol.yaml`, `contacts.yaml`, `ui.yaml`) in the chosen
language; this module only arranges it.

Each look-up builds one structure (`section`, `route`, `images`, `advice`, `criteria`, and of a
decision `plan`, `conversations`, `letters`): plain values with its words in the language, the
contacts and advice it names as the model's objects. `jsonable` turns it into the JSON (a contact
or an advice as its JSON entry: `contact_json`, `advice_json`); the `*_blocks` methods arrange the
same structure for the renderers. So a field is added once, to the structure: the JSON has it at
once, and the blocks show it where they choose to.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from typing import Any, Optional

from msgspec import Struct

from ..store.bundle import Bundle
from ..text.texts import Texts
from ..core.model import UNKNOWN, Advice, Contact, Detail, PlanItem, Route, Section, Step, Text
from .blocks import Banner, Block, Heading, Items, Para, Table


class View:
    def __init__(self, bundle: Bundle, lang: str, texts: Optional[Texts] = None):
        """`texts`: the front's words object (its environment says where the catalogue is cached)."""
        self.b, self.lang = bundle, lang
        self.p = bundle.protocol
        self.texts = Texts(lang) if texts is None else texts
        self.t, self.tx = self.texts, self.texts.tx  # the one words object's look-ups

    def region_note(self) -> Optional[str]:
        """Until an organisation has its own contacts, say whose regional contacts these are."""
        return None if self.b.layered else self.t("region_note")

    def jsonable(self, value: Any) -> Any:
        """A look-up's structure as JSON: a contact and an advice as their JSON entries."""
        if isinstance(value, dict):
            return {k: self.jsonable(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.jsonable(v) for v in value]
        if isinstance(value, Contact):
            return self.contact_json(value)
        if isinstance(value, Advice):
            return self.advice_json(value)
        return value

    def contacts_in(self, ids: list[str]) -> list[Contact]:
        """The contacts of these ids that there are (a layer may have removed one)."""
        return [c for cid in ids if (c := self.b.contact(cid))]

    # --- contacts ------------------------------------------------------------------------------

    def detail(self, d: Optional[Detail | str]) -> str:
        if d is None:
            return ""
        if isinstance(d, str):
            return d
        value = f"{d.value} ({self.tx(d.note)})" if d.note else d.value
        if d.verified == "yes":
            return value
        return f"{value} ({self.t('unverified' if d.verified == 'no' else 'partly_verified')})"

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
        reach = self.reach(c, ("person", ("phone", "chat", "website", "reachable"), "email"), ", ")
        return f"{c.name}: {reach}" if reach else c.name

    def reachable(self, c: Contact) -> bool:
        """Whether the contact says how to reach it (a school role may have no number yet)."""
        return any(getattr(c, f) for f in ("phone", "chat", "website", "email", "person", "reachable"))

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
        return [self.contact_line(c) for c in self.contacts_in(ids)]

    def contact_text(self, cid: str) -> str:
        """A contact id as a line to read (its id when a layer removed it)."""
        c = self.b.contact(cid)
        return self.contact_line(c) if c else cid

    def section(self, sec: Step | Section, step: Optional[int] = None) -> dict[str, Any]:
        """A step (with the advice of step `step`) or a section of the leaflet: the look-up's structure."""
        out: dict[str, Any] = {"title": self.tx(sec.title), "summary": self.tx(sec.summary),
                               "checklist": [{"id": i.id, "text": self.tx(i.text), "contacts": i.contacts}
                                             for i in sec.checklist]}
        if step is not None:
            dos, donts = self.advice_for_step(step)
            out = {"number": step, **out, "dos": dos, "donts": donts}
        out["contacts"] = self.contacts_in(list(dict.fromkeys([*sec.contacts, *(c for i in sec.checklist for c in i.contacts)])))
        return out

    def section_json(self, sec: Step | Section, step: Optional[int] = None) -> dict[str, Any]:
        return self.jsonable(self.section(sec, step))

    def section_blocks(self, title: str, sec: Step | Section, with_advice: Optional[int] = None) -> list[Block]:
        return self._section_blocks(title, self.section(sec, with_advice))

    def _section_blocks(self, title: str, s: dict[str, Any]) -> list[Block]:
        blocks: list[Block] = [Heading(title, 2), Para(s["summary"], style="italic"),
                               Items([i["text"] for i in s["checklist"]], check=True)]
        for key, style in (("dos", "bold green"), ("donts", "bold red")):
            if s.get(key):
                blocks += [Heading(self.t(key), 3, style), Items([self.advice_line(a) for a in s[key]])]
        if s["contacts"]:
            blocks += [Heading(self.t("contacts_title"), 3), Items([self.contact_line(c) for c in s["contacts"]])]
        return blocks

    def step_title(self, s: Step) -> str:
        return self.t("step_title", n=s.number, title=self.tx(s.title))

    # --- routes --------------------------------------------------------------------------------

    def route_section(self, r: Route) -> Optional[Section]:
        """The leaflet's own section for a route, which names the route by its id: the Zorg- en
        Veiligheidshuis route has one (`zvh_route`)."""
        return self.p.zvh_route if r.id == self.p.zvh_route.id else None

    def route_plan(self, r: Route) -> list[PlanItem]:
        """The plan items that belong to a route (those shown when the route is chosen)."""
        return [i for i in self.p.triage.plan if i.when is not None and i.when.route == r.id]

    def route(self, r: Route) -> dict[str, Any]:
        """A route: its own section of the leaflet where it has one, else its words, the plan
        items it brings and its contacts."""
        sec = self.route_section(r)
        if sec is not None:
            return {"id": r.id, **self.section(sec)}
        return {"id": r.id, "name": self.tx(r.name), "description": self.tx(r.description),
                "action": self.tx(r.action) if r.action else None,
                "checklist": [{"id": i.id, "text": self.tx(i.text)} for i in self.route_plan(r)],
                "contacts": self.contacts_in(r.contacts)}

    def route_json(self, r: Route) -> dict[str, Any]:
        return self.jsonable(self.route(r))

    def route_blocks(self, r: Route) -> list[Block]:
        s = self.route(r)
        if "summary" in s:  # the route's own section
            return self._section_blocks(s["title"], s)
        blocks: list[Block] = [Heading(s["name"], 2), Para(s["description"])]
        if s["action"]:
            blocks.append(Para(s["action"], "bold red"))
        if s["checklist"]:
            blocks.append(Items([i["text"] for i in s["checklist"]], check=True))
        if s["contacts"]:
            blocks += [Heading(self.t("contacts_title"), 3), Items([self.contact_line(c) for c in s["contacts"]])]
        return blocks

    def images(self) -> dict[str, Any]:
        """The rule about images: what never to do, and what to do instead."""
        r = self.p.images_rule
        return {"title": self.tx(r.title), "never": [self.tx(t) for t in r.never],
                "instead": [self.tx(t) for t in r.instead]}

    def images_json(self) -> dict[str, Any]:
        return self.jsonable(self.images())

    def images_banner(self, s: Optional[dict[str, Any]] = None) -> Banner:
        """What never to do with images, to be seen first (`s`: the rule's structure, `images`)."""
        s = s or self.images()
        return Banner(s["title"], "bold white on red", s["never"])

    def images_blocks(self) -> list[Block]:
        s = self.images()
        return [self.images_banner(s), Heading(self.t("instead"), 3), Items(s["instead"])]

    # --- advice and criteria -------------------------------------------------------------------

    def advice(self, dos: bool = True, donts: bool = True) -> dict[str, list[Advice]]:
        """The dos, the don'ts, or both."""
        return {**({"dos": self.p.dos} if dos else {}), **({"donts": self.p.donts} if donts else {})}

    def advice_blocks(self, dos: bool = True, donts: bool = True) -> list[Block]:
        blocks: list[Block] = []
        for key, items in self.advice(dos, donts).items():
            blocks += [Heading(self.t(key), 2, "bold green" if key == "dos" else "bold red"),
                       Items([self.advice_line(a) for a in items])]
        return blocks

    def advice_json(self, a: Advice) -> dict[str, Any]:
        return {"id": a.id, "title": self.tx(a.title), "text": self.tx(a.text), "steps": a.steps}

    def criteria(self) -> dict[str, Any]:
        """The criteria with what to check, and the flags with what each calls for."""
        return {
            "criteria": [{"id": c.id, "name": self.tx(c.name), "youth": self.tx(c.youth),
                          "check": [self.tx(q) for q in c.check]} for c in self.p.criteria],
            "flags": [{"id": f.id, "name": self.tx(f.name), "label": self.tx(f.label), "meaning": self.tx(f.meaning),
                       "calls_for": [self.tx(x) for x in f.calls_for]} for f in self.p.flags],
        }

    def criteria_json(self) -> dict[str, Any]:
        return self.jsonable(self.criteria())

    def criteria_blocks(self) -> list[Block]:
        s = self.criteria()
        colors = {f.id: f.color for f in self.p.flags}
        blocks: list[Block] = [Heading(self.t("criteria_title")), Para(self.tx(self.p.leaflet.intro))]
        for c in s["criteria"]:
            blocks += [Heading(f"{c['name']} — “{c['youth']}”", 2), Items(c["check"])]
        blocks.append(Heading(self.t("flags_title")))
        for f in s["flags"]:
            blocks += [Heading(f"{f['name']}: {f['label']}", 2, colors[f["id"]]), Para(f["meaning"]),
                       Para(self.t("calls_for"), "bold"), Items(f["calls_for"])]
        return blocks


def _fold(s: str) -> str:
    """Lower case without accents: 'Zorgcoördinator' matches 'zorgcoordinator'."""
    return "".join(ch for ch in unicodedata.normalize("NFKD", s.casefold()) if not unicodedata.combining(ch))


# --- the triage decision -----------------------------------------------------------------------


class FirstBox(Struct):
    """What to do first, as every front shows it: the title with the priority, the first
    routes' actions with the contacts to call, then the plan items that stand with them."""

    title: str
    style: str
    actions: list  # [(action text, [Contact])]
    items: list  # [text]


class DecisionView(View):
    """The decision in words: first actions, flag with its reasons, routes, plan, contacts."""

    def __init__(self, bundle: Bundle, lang: str, engine=None, texts: Optional[Texts] = None):
        super().__init__(bundle, lang, texts)
        if engine is None:  # the rules, for a view made without them (a look-up never needs them)
            from ..core.conversation import rules

            engine = rules(bundle.protocol, bundle.conversations)
        self.e = engine
        self.flags = {f.id: f for f in self.p.flags}
        self.priorities = {x.id: x for x in engine.t.priority}

    # --- words for ids -------------------------------------------------------------------------

    def flag_name(self, flag: str) -> str:
        return self.tx(self.flags[flag].name) if flag in self.flags else flag

    def flag_word(self, flag: str) -> str:
        """A flag inside a sentence: "rood", not "ROOD"."""
        return self.flag_name(flag).lower()

    def rating_name(self, rating: str) -> str:
        return self.t("not_rated") if rating == UNKNOWN else self.flag_name(rating)

    def answer_text(self, qid: str, value) -> str:
        if value == UNKNOWN:
            return self.t("unknown_answer")
        for o in self.e.questions[qid].options:
            if o.value == value:
                return self.tx(o.label)
        return str(value)

    def recorded(self, d, qid: str) -> str:
        """An answer as the record shows it: a question never asked says so."""
        return self.answer_text(qid, d.answers[qid]) if qid in d.given else self.t("not_asked")

    def said(self, r) -> str:
        """The answers a rule read, as "(Question: answer; ...)", or nothing."""
        parts = [f"{self.tx(self.e.questions[q].short)}: {self.answer_text(q, a)}"
                 for q, a in zip(r.questions, r.answers) if q in self.e.questions]
        return f" ({'; '.join(parts)})" if parts else ""

    def _because(self, r) -> str:
        t = self.e.t
        if r.kind == "criterion":
            rule = next(x for x in t.ratings[r.id] if x.id == r.rule)
            return self.tx(rule.because)
        table = {"escalation": t.escalations, "floor": t.floors, "lowest": t.lowest, "priority": t.priority,
                 "route": t.route_rules, "contact": t.contact_rules, "warning": [*t.warnings, *t.ignore],
                 "note": t.notes}[r.kind]
        rule = next(x for x in table if x.id == r.rule)
        return self.tx(rule.text if r.kind in ("warning", "note") else rule.because)

    def sentence(self, r, named: bool = True) -> str:
        """One rule that fired, as a sentence: what it set and on which answers. A criterion's
        rule names the criterion unless `named` is false (beside the criterion's own name)."""
        because, said = self._because(r), self.said(r)
        if r.kind == "criterion":
            name = self.t("criterion_is", name=self.tx(next(c.name for c in self.p.criteria if c.id == r.id))) if named else ""
            key = "reason_answer" if not because else "reason_criterion_at_least" if r.at_least else "reason_criterion"
            text = self.t(key, criterion=name, rating=self.flag_word(r.flag), because=because,
                          said=said.strip(" ()") if not because else said).strip()
            return text[0].upper() + text[1:]
        if r.kind in ("floor", "escalation", "lowest"):
            return self.t(f"reason_{r.kind}", flag=self.flag_word(r.flag), because=because, said=said)
        if r.kind == "route":
            name = self.tx(self.e.routes[r.id].name)
            return self.t("reason_route_removed" if r.removed else "reason_route", route=name, because=because, said=said)
        if r.kind == "contact":
            c = self.b.contact(r.id)
            return self.t("reason_contact", contact=c.name if c else r.id, because=because, said=said)
        if r.kind == "priority":
            return self.t("reason_priority", priority=self.tx(self.priorities[r.id].name), because=because, said=said)
        return because + said

    # --- JSON ----------------------------------------------------------------------------------

    def reason_json(self, r) -> dict[str, Any]:
        out: dict[str, Any] = {r.kind: r.id, "rule": r.rule, "question": ", ".join(r.questions),
                               "answer": ", ".join(str(a) for a in r.answers), "effect": self.sentence(r)}
        if r.kind in ("criterion", "escalation", "floor", "lowest") and r.flag:
            out["rating" if r.kind == "criterion" else "flag"] = r.flag
        if r.removed:
            out["removed"] = True
        return out

    def item_text(self, d, item) -> str:
        return self.tx(item.text).replace("{followup_date}", self.date(d.followup))

    def plan(self, d) -> list[dict[str, Any]]:
        """The decision's plan, step by step: each item's words, the contacts and advice it names (ids)."""
        steps = {s.number: s for s in self.p.steps}
        out = []
        for s in d.plan:
            items = []
            for i in s.items:
                entry: dict[str, Any] = {"id": i.id, "text": self.item_text(d, i)}
                if i.contacts:
                    entry["contacts"] = i.contacts
                if i.advice:
                    entry["advice"] = i.advice
                items.append(entry)
            out.append({"step": s.step, "title": self.tx(steps[s.step].title), "items": items})
        return out

    def plan_json(self, d) -> list[dict[str, Any]]:
        return self.jsonable(self.plan(d))

    def as_json(self, d) -> dict[str, Any]:
        answers: dict[str, Any] = {q: d.answers[q] for q in d.given}
        answers["setting"] = d.setting
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
            "priority": d.priority,
            "first": d.first,
            "first_items": d.first_items,
            "followup_days": d.followup_days,
            "setting": d.setting,
            "lowest_flag_allowed": d.lowest,
            "criteria": d.assessment.criteria,
            "routes": d.routes,
            "contacts": d.contacts,
            "unknown": d.unknown,
            "asked": d.asked,
            "refine": d.refine,
            "plan": self.plan_json(d),
            "reasons": [self.reason_json(r) for r in d.reasons],
            "answers": answers,
            "language": self.lang,
            "conversations": self.conversations_json(d),
            "letters": self.letters_json(d, d.today),
        }

    # --- blocks --------------------------------------------------------------------------------

    def alert(self, route_id: str) -> Banner:
        """An urgent answer's action, at once, with the numbers to call."""
        r = self.e.routes[route_id]
        return Banner(self.tx(r.action), "bold white on red", self.contacts_of(r.contacts))

    def first_box(self, d) -> FirstBox:
        """What to do first: the first routes' actions, each with the contacts to call, then the
        plan items that stand with them, in the contract's order. Every front shows this."""
        actions = []
        for rid in d.first:
            r = d.route_words[rid]
            actions.append((self.tx(r.action), [c for cid in r.contacts if (c := self.b.contact(cid)) and self.reachable(c)]))
        items = [self.item_text(d, d.item(i)) for i in d.first_items if d.item(i) is not None]
        style = "bold white on red" if d.priority in self.e.t.first.priorities else "bold"
        title = self.t("first_title", priority=self.tx(self.priorities[d.priority].name))
        return FirstBox(title, style, actions, items)

    def first_blocks(self, d) -> list[Block]:
        """What to do first, in order, each with the numbers to call: before anything else."""
        box = self.first_box(d)
        lines = []
        for n, (action, contacts) in enumerate(box.actions, 1):
            lines.append(f"{n}. {action}")
            if contacts:
                lines.append("   " + "; ".join(self.contact_line(c) for c in contacts))
        lines += [f"- {item}" for item in box.items]
        return [Banner(box.title, box.style, lines)]

    def flag_banner(self, d) -> Banner:
        f = self.flags[d.flag]
        a = d.assessment
        lines = []
        if all(v == UNKNOWN for v in a.criteria.values()):
            lines.append(self.t("nothing_known"))
        lines += [self.sentence(r) for r in a.decisive]
        c = d.confirmed
        if c.flag != d.flag:
            lines.append(self.t("confirmed_as", flag=self.flag_name(c.flag), reason=c.reason or ""))
            if c.consulted:
                lines.append(self.t("consulted_who", who=c.consulted))
        return Banner(self.t("proposal", flag=self.tx(f.name), label=self.tx(f.label)), f.color, lines)

    def summary_blocks(self, d) -> list[Block]:
        """How soon, and how low the flag may be confirmed."""
        lines = [self.sentence(r) for r in d.reasons if r.kind == "priority"]
        lines += [self.sentence(r) for r in d.reasons if r.kind == "lowest" and r.flag == d.lowest]
        return [Items(lines)]

    def why_blocks(self, d) -> list[Block]:
        rows = []
        for crit in self.p.criteria:
            rating = d.assessment.criteria[crit.id]
            why = [self.sentence(r, named=False) for r in d.reasons if r.kind == "criterion" and r.id == crit.id]
            if rating == UNKNOWN:
                why.append(self.t("criterion_unknown"))
            rows.append([self.tx(crit.name), self.rating_name(rating), "\n".join(why)])
        blocks: list[Block] = [Heading(self.t("why_title"), 2),
                               Table([self.t("col_criterion"), self.t("col_rating"), self.t("col_why")], rows)]
        steps = [self.t("worst_criterion", flag=self.flag_name(d.assessment.base))]
        steps += [self.sentence(r) for r in d.reasons if r.kind in ("escalation", "note", "floor")]
        blocks.append(Items(steps))
        warnings = [self.sentence(r) for r in d.reasons if r.kind == "warning"]
        if warnings:
            blocks += [Heading(self.t("warnings_title"), 3, "bold yellow"), Items(warnings, style="yellow")]
        return blocks

    def routes_blocks(self, d) -> list[Block]:
        return [Heading(self.t("routes_title"), 2),
                Items([f"{self.tx(d.route_words[r].name)}: {self.tx(d.route_words[r].description)}" for r in d.routes])]

    def plan_blocks(self, d, done: frozenset = frozenset()) -> list[Block]:
        """The plan by step, to tick off; `done`: the ids of items done (a follow-up's)."""
        blocks: list[Block] = [Heading(self.t("plan_title"), 2)]
        advice = {a.id: a for a in (*self.p.dos, *self.p.donts)}
        donts = {a.id for a in self.p.donts}
        for step in self.plan(d):
            blocks.append(Heading(self.t("step_title", n=step["step"], title=step["title"]), 3))
            lines = []
            for item in step["items"]:
                line = item["text"]
                reach = self.contacts_of(item.get("contacts", []))
                if reach:
                    line += " (" + "; ".join(reach) + ")"
                lines.append(line)
            blocks.append(Items(lines, check=True, done=frozenset(n for n, item in enumerate(step["items"])
                                                                  if item.get("id") in done)))
            tagged = list(dict.fromkeys(a for item in step["items"] for a in item.get("advice", [])))
            for key, ids in (("dos_here", [a for a in tagged if a not in donts]), ("donts_here", [a for a in tagged if a in donts])):
                if ids:
                    blocks.append(Para(self.t(key) + " " + "; ".join(self.tx(advice[a].title) for a in ids), "dim"))
        return blocks

    # --- the one-page summary ----------------------------------------------------------------------

    def one_page(self, d, case_ref: Optional[str]) -> list[Block]:
        """The case on one page, to print: reference and date, the first actions with their
        numbers, the flag and why in one line, the routes, whom to call, what is still to find
        out, and the next follow-up."""
        t, dash = self.t, "—"
        c = d.confirmed
        why = self.sentence(d.assessment.decisive[0]) if d.assessment.decisive else t("nothing_known")
        out: list[Block] = [
            Heading(t("summary_title")),
            Table([t("col_field"), t("col_value")], [
                [t("report_case_ref"), case_ref or dash], [t("report_date"), self.date(d.today)],
                [t("summary_flag"), f"{self.flag_name(c.flag)}: {why}"],
                [t("summary_followup"), self.date(d.followup)]]),
            *self.first_blocks(d),
            Heading(t("routes_title"), 2), Items([self.tx(d.route_words[r].name) for r in d.routes]),
            Heading(t("summary_call"), 2), Items(self.contacts_of(d.contacts))]
        find_out = [self.tx(i.text) for s in d.plan for i in s.items if i.id.startswith("find_out.")]
        if find_out:
            out += [Heading(t("summary_find_out"), 2), Items(find_out)]
        return out

    # --- the follow-up ---------------------------------------------------------------------------

    def log_blocks(self, log: list) -> list[Block]:
        """The case's log: the first decision, then each follow-up, dated."""
        if len(log) < 2:
            return []
        rows = []
        for e in log:
            what = [self.t("log_" + str(e.get("kind", "followup")))]
            if e.get("flag") in self.flags:
                what.append(self.t("log_flag", flag=self.flag_word(e.get("confirmed_flag") or e["flag"])))
            for q, v in (e.get("changed") or {}).items():
                if q in self.e.questions:
                    what.append(f"{self.tx(self.e.questions[q].short)}: {self.answer_text(q, v)}")
            if e.get("done"):
                what.append(self.t("log_done", n=len(e["done"])))
            if e.get("notes"):
                what.append(str(e["notes"]))
            rows.append([self._log_date(e.get("date", "")), "; ".join(what)])
        return [Heading(self.t("log_title"), 2), Table([self.t("log_date"), self.t("log_what")], rows)]

    # --- the conversations of step 3 and the letters -------------------------------------------

    def conversations(self, d) -> list[dict[str, Any]]:
        """The guides for the conversations this case calls for, in the order they should happen."""
        return [{"id": g.id, "with": self.tx(g.with_), "first": [self.tx(x) for x in g.first], "aim": self.tx(g.aim),
                 "opening": self.tx(g.opening), "questions": [self.tx(x) for x in g.questions],
                 "avoid": [self.tx(x) for x in g.avoid], "record": [self.tx(x) for x in g.record]}
                for g in d.conversations]

    def conversations_json(self, d) -> list[dict[str, Any]]:
        return self.jsonable(self.conversations(d))

    def conversation_blocks(self, d, level: int = 1) -> list[Block]:
        guides = self.conversations(d)
        if not guides:
            return []
        out: list[Block] = [Heading(self.t("conv_title"), level), Para(self.t("conv_intro"), "dim")]
        for n, g in enumerate(guides, 1):
            out.append(Heading(f"{n}. {g['with']}", level + 1))
            if g["first"]:
                out += [Para(self.t("conv_first"), "bold"), Items(g["first"])]
            out += [Para(f"{self.t('conv_aim')} {g['aim']}"), Para(f"{self.t('conv_opening')} “{g['opening']}”")]
            for key, check in (("questions", False), ("avoid", False), ("record", True)):
                out += [Para(self.t(f"conv_{key}"), "bold"), Items(g[key], check=check)]
        return out

    def letter_text(self, letter, today) -> list[str]:
        """A letter's paragraphs, filled from the case (never a name): the placeholders the
        professional fills in stand as [brackets], the date in the language's form."""
        values = {"organisation": self.t("letter_organisation"), "sender_role": self.t("letter_sender_role"),
                  "date": self.date(today)}
        return [self.tx(p).format(**values) for p in letter.paragraphs]

    def letters(self, d, today) -> list[dict[str, Any]]:
        """The letters this case calls for, dated `today`; the contacts that help with each (ids)."""
        return [{"id": x.id, "title": self.tx(x.title), "purpose": self.tx(x.purpose),
                 "paragraphs": self.letter_text(x, today), "contacts": x.contacts} for x in d.letters]

    def letters_json(self, d, today) -> list[dict[str, Any]]:
        return self.jsonable(self.letters(d, today))

    def letter_blocks(self, d, today, level: int = 1) -> list[Block]:
        letters = self.letters(d, today)
        if not letters:
            return []
        out: list[Block] = [Heading(self.t("letters_title"), level), Para(self.t("letters_intro"), "dim")]
        for letter in letters:
            out += [Heading(letter["title"], level + 1), Para(letter["purpose"], "dim")]
            out += [Para(x) for x in letter["paragraphs"]]
            if letter["contacts"]:
                out += [Para(self.t("letter_help"), "bold"), Items(self.contacts_of(letter["contacts"]))]
        return out

    def date(self, day) -> str:
        """A date as the language writes it: 7-12-2026 in Dutch, 2026-12-07 in English."""
        return self.texts.date(day)

    def _log_date(self, text) -> str:
        """A log entry's date (YYYY-MM-DD, checked on reading) as the language writes it."""
        try:
            return self.date(dt.date.fromisoformat(str(text)))
        except ValueError:
            return str(text)

    def contact_blocks(self, d) -> list[Block]:
        """Whom to call for this case: name, how to reach them, and when."""
        rows = [[c.name, self.reach(c, ("phone", "chat", "email", "person")) or self.reach(c, ("website", "reachable")),
                 self.tx(c.when_to_call) or self.tx(c.purpose)]
                for cid in d.contacts if (c := self.b.contact(cid))]
        return [Heading(self.t("contacts_title"), 2),
                Table([self.t("col_name"), self.t("col_reach"), self.t("when_to_call")], rows)]

    def confirm_blocks(self, d) -> list[Block]:
        """Beside the confirmation question, so that it fits one screen: the first actions as
        the route's name with its numbers, the items that stand with them in a few words, and
        the proposal."""
        box = self.first_box(d)
        lines = []
        for n, rid in enumerate(d.first, 1):
            contacts = box.actions[n - 1][1]
            numbers = "; ".join(self.contact_line(c) for c in contacts)
            lines.append(f"{n}. {self.tx(d.route_words[rid].name)}" + (f": {numbers}" if numbers else ""))
        for iid in d.first_items:
            item = d.item(iid)
            lines.append(f"- {self.tx(item.short) if item.short else self.item_text(d, item)}")
        return [Banner(box.title, box.style, lines),
                Para(self.t("proposal", flag=self.flag_name(d.flag), label=self.tx(self.flags[d.flag].label)),
                     self.flags[d.flag].color)]

    def blocks(self, d, note: Optional[str] = None) -> list[Block]:
        """The decision: first actions, the proposal and why, routes, plan, then the details."""
        out: list[Block] = [*self.first_blocks(d), self.flag_banner(d), *self.summary_blocks(d)]
        out += self.routes_blocks(d) + self.plan_blocks(d) + self.why_blocks(d) + self.contact_blocks(d)
        out.append(self.images_banner())
        out.append(Para(self.tx(self.p.leaflet.disclaimer), "dim"))
        if note:
            out.append(Para(note, "dim"))
        return out
