// missionsearch — progressive enhancement of the search page. The page works
// without this script; it adds as-you-type suggestions (an ARIA 1.2
// combobox) and submits the filters as soon as they change, then puts the
// focus back on the filter that changed once the new page is there.
(function () {
  "use strict";
  var form = document.getElementById("recherche");
  var input = document.getElementById("q");
  var list = document.getElementById("q-suggestions");
  if (!form || !input || !list) return;

  function submit() {
    if (form.requestSubmit) form.requestSubmit(); else form.submit();
  }

  // Filters: a checkbox or the sort order submits the form at once. The
  // reload would drop keyboard users back at the top of the page, so the
  // changed control is remembered and focused again on the new page.
  var focusKey = "missionsearch-focus";
  document.querySelectorAll("[data-autosubmit] input, [data-autosubmit] select").forEach(function (el) {
    el.addEventListener("change", function () {
      try {
        sessionStorage.setItem(focusKey, JSON.stringify({ name: el.name, value: el.type === "checkbox" ? el.value : null }));
      } catch (e) { /* storage may be off: focus is a comfort */ }
      submit();
    });
  });
  (function restoreFocus() {
    var saved = null;
    try {
      saved = JSON.parse(sessionStorage.getItem(focusKey) || "null");
      sessionStorage.removeItem(focusKey);
    } catch (e) { return; }
    if (!saved || typeof saved.name !== "string") return;
    var target = null;
    document.querySelectorAll("[data-autosubmit] input, [data-autosubmit] select").forEach(function (el) {
      if (!target && el.name === saved.name && (saved.value === null || el.value === saved.value)) target = el;
    });
    if (target) target.focus();
  })();

  // Suggestions.
  input.setAttribute("role", "combobox");
  input.setAttribute("aria-autocomplete", "list");
  input.setAttribute("aria-expanded", "false");
  input.setAttribute("aria-controls", list.id);
  var endpoint = input.getAttribute("data-suggest") || "/api/suggest";
  // The announcements, in the page's language (data-live-one, -many).
  var liveOne = input.getAttribute("data-live-one") || "{n} suggestion disponible";
  var liveMany = input.getAttribute("data-live-many") || "{n} suggestions disponibles";
  var items = [];
  var active = -1;
  var timer = 0;
  var seq = 0;
  var live = document.createElement("div");
  live.className = "visually-hidden";
  live.setAttribute("role", "status");
  live.setAttribute("aria-live", "polite");
  form.appendChild(live);

  // close hides the list and drops the suggestions still on their way, so
  // that a late answer never reopens a list the visitor dismissed.
  function close() {
    clearTimeout(timer);
    seq++;
    list.hidden = true;
    list.textContent = "";
    items = [];
    active = -1;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
  }

  function highlight(i) {
    items.forEach(function (li, j) { li.setAttribute("aria-selected", j === i ? "true" : "false"); });
    active = i;
    if (i >= 0) {
      input.setAttribute("aria-activedescendant", items[i].id);
      items[i].scrollIntoView({ block: "nearest" });
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  }

  // fill puts suggestion i in the box and closes the list.
  function fill(i) {
    input.value = items[i].textContent;
    close();
  }

  function show(suggestions) {
    list.textContent = "";
    items = suggestions.map(function (s, i) {
      var li = document.createElement("li");
      li.id = "q-suggestion-" + i;
      li.setAttribute("role", "option");
      li.setAttribute("aria-selected", "false");
      li.textContent = s; // text, never HTML
      li.addEventListener("mousedown", function (e) { e.preventDefault(); fill(i); submit(); });
      list.appendChild(li);
      return li;
    });
    active = -1;
    input.removeAttribute("aria-activedescendant"); // the old options are gone
    if (items.length === 0) { close(); return; }
    list.hidden = false;
    input.setAttribute("aria-expanded", "true");
    live.textContent = (items.length > 1 ? liveMany : liveOne).replace("{n}", items.length);
  }

  function fetchSuggestions() {
    var q = input.value;
    if (q.trim() === "") { close(); return; }
    var mine = ++seq;
    fetch(endpoint + "?q=" + encodeURIComponent(q), { headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : { suggestions: [] }; })
      .then(function (d) { if (mine === seq && document.activeElement === input) show(d.suggestions || []); })
      .catch(function () { /* suggestions are optional */ });
  }

  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(fetchSuggestions, 150);
  });
  input.addEventListener("keydown", function (e) {
    if (e.key === "ArrowDown") {
      if (list.hidden) { fetchSuggestions(); return; }
      e.preventDefault();
      highlight(active + 1 >= items.length ? 0 : active + 1);
    } else if (e.key === "ArrowUp") {
      if (list.hidden) return;
      e.preventDefault();
      highlight(active <= 0 ? items.length - 1 : active - 1);
    } else if (e.key === "Enter") {
      // The browser's own Enter submits the form, now with the chosen
      // suggestion. Submitting here as well would send the form twice
      // wherever the keypress still follows (as with synthetic keys).
      if (!list.hidden && active >= 0) fill(active);
    } else if (e.key === "Escape") {
      if (!list.hidden) { e.preventDefault(); close(); }
    }
  });
  input.addEventListener("blur", function () { setTimeout(close, 100); });
})();
