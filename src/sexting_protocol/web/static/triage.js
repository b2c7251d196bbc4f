/* The triage pages: the browser's Back button and a reload, with JavaScript on.

   Every triage page is the answer to a posted form, and the conversation's state travels in the
   page (the hidden field _answers); the server keeps nothing and the pages are not cached
   (Cache-Control: no-store). Going Back to such a page would make the browser post the form
   again ("Confirm Form Resubmission", ERR_CACHE_MISS). So, on each page:

   - its state is kept in its own history entry (history.replaceState: the entry's state object,
     never the address), and the entry becomes an ordinary one at the triage's address;
   - when the browser comes back to that entry (Back, Forward, a reload), it asks for the
     triage's address, gets a fresh start, and this script posts the kept state again, at once
     and before the page has loaded, so that the answer takes the entry's place (no new one):
     the screen the entry was. The page stays hidden meanwhile (html.resuming, triage.css).

   The state lives in the tab's session history only: not in the address, not on the server,
   not in a cache. Without JavaScript the triage's own "Vorige vraag" button is the way back.
   A continued case's record and log (the hidden field _case) are kept and posted with it; the
   entry's address is the triage's own (data-home), which a browser can ask for again, also for
   a page posted elsewhere (the follow-up), whose own address (data-url) takes the state.
   Also: the case reference typed on the end page is copied to the printed heading. */
(function () {
  "use strict";
  var script = document.currentScript;
  var url = (script && script.getAttribute("data-url")) || "/triage";
  var home = (script && script.getAttribute("data-home")) || url;
  // only a return to the entry (Back, Forward, a reload) shows its kept state again; a link or
  // an address to the triage ("Opnieuw beginnen", the menu) is a new start, even in the same entry
  var nav = window.performance && performance.getEntriesByType ? performance.getEntriesByType("navigation")[0] : null;
  var returning = !nav || nav.type === "reload" || nav.type === "back_forward";
  var kept = returning && history.state && typeof history.state.answers === "string" ? history.state : null;
  if (kept) {
    document.documentElement.classList.add("resuming");
  }

  function resume(answers, kase, to) {
    var form = document.createElement("form");
    form.method = "post";
    form.action = to;
    form.hidden = true;
    var fields = [["_answers", answers], ["_event", "lang"]];  // "lang": show the state, change nothing
    if (kase) {
      fields.push(["_case", kase]);
    }
    fields.forEach(function (pair) {
      var input = document.createElement("input");
      input.type = "hidden";
      input.name = pair[0];
      input.value = pair[1];
      form.appendChild(input);
    });
    document.body.appendChild(form);
    form.submit();
  }

  function printedReference() {
    var field = document.getElementById("case_ref");
    if (!field) {
      return;
    }
    var copy = function () {
      document.querySelectorAll("[data-print-ref]").forEach(function (el) {
        el.textContent = field.value.trim();
      });
    };
    field.addEventListener("input", copy);
    window.addEventListener("pageshow", copy);  // a value the browser restored
    copy();
  }

  function ready() {
    var field = document.querySelector('input[name="_answers"]');
    var here = field ? field.value : null;
    var caseField = document.querySelector('input[name="_case"]');
    var caseHere = caseField ? caseField.value : "";
    if (kept && here !== null && kept.answers !== here) {
      resume(kept.answers, kept.kase || "", kept.url || url);
      return;
    }
    document.documentElement.classList.remove("resuming");
    if (here !== null) {
      history.replaceState({answers: here, kase: caseHere, url: url}, "", home);
    }
    printedReference();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", ready);
  } else {
    ready();
  }
})();
