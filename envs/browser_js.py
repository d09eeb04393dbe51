"""The JavaScript the browser env runs in pages: small, and side-effect free except where named.

Every snippet is a function literal for `page.evaluate(snippet, arg)`.
"""

from __future__ import annotations

import json

__all__ = ["CLOCK_SCRIPT", "DETERMINISM_CSS", "ELEMENT_CLICK", "FILL", "FOCUS", "FOCUSED",
           "FORGET_FIELDS", "HIT_TEST", "INIT_SCRIPT", "IS_CHECKED", "OBSERVE", "POINT_AT",
           "SELECT", "VIEW_STATE", "RESTORE_VIEW",
           "clock_script"]

# Animations, transitions, smooth scrolling and the blinking caret would make two screenshots
# of the same state differ.
DETERMINISM_CSS = (
    "*,*::before,*::after{animation:none!important;transition:none!important;"
    "caret-color:transparent!important;scroll-behavior:auto!important}"
)

# Added once per browser context, before Playwright's clock: keeps a handle on the real
# `performance` (the fake clock replaces it) to read the document's HTTP status, and adopts
# the determinism style sheet before the page's own styles are parsed.
INIT_SCRIPT = """(() => {
  if (window.__webtwin) return;
  const perf = window.performance;
  try {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(CSS_TEXT);
    document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
  } catch (e) {}
  Object.defineProperty(window, "__webtwin", {value: Object.freeze({
    status() {
      const entry = perf.getEntriesByType("navigation")[0];
      return entry && entry.responseStatus ? entry.responseStatus : 0;
    },
  })});
})();""".replace("CSS_TEXT", json.dumps(DETERMINISM_CSS))

_CLOCK = "globalThis.__pwClock && globalThis.__pwClock.controller.setFixedTime"


def clock_script(now_ms: int) -> str:
    """Run in the page now and in every new document after Playwright's clock script: the
    world's time now."""
    return f"{_CLOCK}({int(now_ms)});"


CLOCK_SCRIPT = clock_script(0)

# The live page as the text renderer needs it: the DOM serialised, the form controls whose
# value differs from the page's default (what the agent changed) and every textarea (the
# serialiser drops the newline its text may start with), and the HTTP status.
OBSERVE = """() => {
  const values = {};
  const controls = "input[data-bid],textarea[data-bid],select[data-bid]";
  for (const el of document.querySelectorAll(controls)) {
    const bid = el.getAttribute("data-bid");
    if (el.tagName === "SELECT") {
      if ([...el.options].some(o => o.selected !== o.defaultSelected)) values[bid] = el.value;
    } else if (el.type === "checkbox" || el.type === "radio") {
      if (el.checked !== el.defaultChecked) values[bid] = el.checked;
    } else if (el.tagName === "TEXTAREA" || el.value !== el.defaultValue) {
      values[bid] = el.value;
    }
  }
  const doctype = document.doctype ? "<!DOCTYPE " + document.doctype.name + ">" : "";
  const status = window.__webtwin ? window.__webtwin.status() : 0;
  return {url: location.href, html: doctype + document.documentElement.outerHTML, values, status};
}"""

_FIND = 'const el = document.querySelector(`[data-bid="${CSS.escape(bid)}"]`);'


def _on_element(params: str, body: str) -> str:
    return f"({params}) => {{\n  {_FIND}\n{body}\n}}"


# Where to click an element like a person would: scrolled into view, at its centre, if that
# point really hits it (or its label).
POINT_AT = _on_element("bid", """
  if (!el) return {missing: true};
  el.scrollIntoView({block: "nearest", inline: "nearest"});
  const r = el.getBoundingClientRect();
  const x = r.left + r.width / 2, y = r.top + r.height / 2;
  if (r.width < 1 || r.height < 1 || x < 0 || y < 0 || x >= innerWidth || y >= innerHeight)
    return {hidden: true};
  const hit = document.elementFromPoint(x, y);
  const label = hit && hit.closest("label");
  if (hit && (hit === el || el.contains(hit) || (label && label.control === el)))
    return {x, y};
  return {covered: true};""")

# The fallback when no point hits the element (hidden, covered): the element's own click,
# which follows links, submits forms and toggles checkboxes just the same.
ELEMENT_CLICK = _on_element("bid", "  if (el) el.click();")

FOCUS = _on_element("bid", "  if (el) el.focus();\n  return !!el;")

IS_CHECKED = _on_element("bid", "  return el ? el.checked : null;")

_SET_VALUE = """
  if (!el) return null;
  el.focus();
  el.value = value;
  el.dispatchEvent(new Event("input", {bubbles: true}));
  el.dispatchEvent(new Event("change", {bubbles: true}));
  return el.value;"""

FILL = _on_element("[bid, value]", _SET_VALUE)
SELECT = _on_element("[bid, value]", _SET_VALUE)

HIT_TEST = """([x, y]) => {
  const hit = document.elementFromPoint(x, y);
  return hit ? hit.tagName.toLowerCase() : null;
}"""

FOCUSED = """() => {
  const el = document.activeElement;
  return !!el && el !== document.body && el !== document.documentElement;
}"""

# Undo the form restoration of a history navigation: every field back to the page's default.
FORGET_FIELDS = """() => {
  for (const form of document.forms) form.reset();
  for (const el of document.querySelectorAll("input, textarea, select")) {
    if (el.form) continue;
    if (el.tagName === "SELECT") for (const o of el.options) o.selected = o.defaultSelected;
    else if (el.type === "checkbox" || el.type === "radio") el.checked = el.defaultChecked;
    else el.value = el.defaultValue;
  }
}"""

# What a snapshot keeps beyond the HTML and field values: the focused element and where each
# scrolled element (by its index in document order) is scrolled to.
VIEW_STATE = """() => {
  const all = document.querySelectorAll("*");
  const scrolls = [];
  all.forEach((el, i) => {
    if (el.scrollTop || el.scrollLeft) scrolls.push([i, el.scrollTop, el.scrollLeft]);
  });
  const focused = document.activeElement;
  const focus = focused && focused !== document.body ? [...all].indexOf(focused) : -1;
  return {scrolls, focus};
}"""

RESTORE_VIEW = """([values, scrolls, focus]) => {
  for (const [bid, value] of Object.entries(values)) {
    const el = document.querySelector(`[data-bid="${CSS.escape(bid)}"]`);
    if (!el) continue;
    if (typeof value === "boolean") el.checked = value; else el.value = value;
  }
  const all = document.querySelectorAll("*");
  if (focus >= 0 && all[focus]) all[focus].focus({preventScroll: true});
  for (const [i, top, left] of scrolls) {
    if (all[i]) { all[i].scrollTop = top; all[i].scrollLeft = left; }
  }
}"""
