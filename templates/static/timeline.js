/* Filters and search on the home page (and on the map page, where the list holds the places' events
   and each place's mark and name on the map are hidden with its list). Plain script, no network: it also works opened from disk.

   The state lives in the query string so that a filtered view can be shared or bookmarked:
     ?theme=territory&theme=diplomacy&era=the-split&q=treaty
   - theme (repeatable): an event shows if it has ANY of the ticked themes;
   - era: one era id;
   - q: every word must occur in the event's title, date, place, summary or its Chinese or Russian
     names (case, accents and full-width forms are ignored, so "kiakhta" ≠ "kyakhta" but "ё" = "е").
   The three combine with AND. Unknown values in the URL are ignored.

   Content never goes through innerHTML: the script only toggles `hidden`, classes and textContent. */
(function () {
  "use strict";

  var form = document.getElementById("filters");
  var timeline = document.getElementById("timeline");
  if (!form || !timeline || !window.URLSearchParams) return;

  var searchData = {};
  try {
    searchData = JSON.parse(document.getElementById("search-data").textContent);
  } catch (err) {
    searchData = {};
  }

  function fold(text) {
    return String(text || "").normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  var items = Array.prototype.map.call(timeline.querySelectorAll("li.event"), function (li) {
    // The map page lists an event under each of its places, so it names the event in data-event.
    var id = li.getAttribute("data-event") || li.id.replace(/^e-/, "");
    return {
      li: li,
      id: id,
      themes: (li.getAttribute("data-themes") || "").split(/\s+/),
      era: li.getAttribute("data-era") || "",
      text: fold(Object.prototype.hasOwnProperty.call(searchData, id) ? searchData[id] : li.textContent)
    };
  });
  var sections = Array.prototype.slice.call(timeline.querySelectorAll("section.era, section.place"));
  var total = {};
  items.forEach(function (item) { total[item.id] = true; });
  total = Object.keys(total).length;
  var places = {};
  Array.prototype.forEach.call(document.querySelectorAll(".map [data-section]"), function (el) {
    (places[el.getAttribute("data-section")] = places[el.getAttribute("data-section")] || []).push(el);
  });
  var marks = {};
  Array.prototype.forEach.call(document.querySelectorAll(".overview-chart .mark"), function (a) {
    marks[a.getAttribute("data-event")] = a;
  });
  var boxes = Array.prototype.slice.call(form.querySelectorAll('input[name="theme"]'));
  var eraSelect = form.querySelector('select[name="era"]');
  var query = form.querySelector('input[name="q"]');
  var count = document.getElementById("filter-count");
  var empty = document.getElementById("filter-empty");

  function state() {
    return {
      themes: boxes.filter(function (b) { return b.checked; }).map(function (b) { return b.value; }),
      era: eraSelect.value,
      q: query.value.trim()
    };
  }

  function apply() {
    var s = state();
    var words = fold(s.q).split(/\s+/).filter(Boolean);
    var active = s.themes.length > 0 || s.era !== "" || words.length > 0;
    var shown = 0, seen = {};
    items.forEach(function (item) {
      var match = (s.themes.length === 0 || s.themes.some(function (t) { return item.themes.indexOf(t) >= 0; })) &&
        (s.era === "" || item.era === s.era) &&
        words.every(function (w) { return item.text.indexOf(w) >= 0; });
      item.li.hidden = !match;
      if (match && !seen[item.id]) shown += 1;
      if (match) seen[item.id] = true;
      var mark = marks[item.id];
      if (mark) mark.classList.toggle("dimmed", active && !match);
    });
    // An era with no matching event would be an empty heading; unfiltered, every era shows as without JS.
    sections.forEach(function (section) {
      section.hidden = active && !section.querySelector("li.event:not([hidden])");
      (places[section.id] || []).forEach(function (el) { el.classList.toggle("filtered-out", section.hidden); });
    });
    count.textContent = shown + " of " + total + " event" + (total === 1 ? "" : "s");
    empty.hidden = shown !== 0;
    return s;
  }

  function save(s) {
    var params = new URLSearchParams();
    s.themes.forEach(function (t) { params.append("theme", t); });
    if (s.era) params.set("era", s.era);
    if (s.q) params.set("q", s.q);
    var search = params.toString();
    try {
      history.replaceState(history.state, "", location.pathname + (search ? "?" + search : "") + location.hash);
    } catch (err) {
      // Some browsers refuse to rewrite file:// URLs; filtering still works, only sharing does not.
    }
  }

  function restore() {
    var params = new URLSearchParams(location.search);
    var wanted = params.getAll("theme");
    boxes.forEach(function (b) { b.checked = wanted.indexOf(b.value) >= 0; });
    var era = params.get("era") || "";
    eraSelect.value = Array.prototype.some.call(eraSelect.options, function (o) { return o.value === era; }) ? era : "";
    query.value = params.get("q") || "";
  }

  function update() { save(apply()); }

  form.addEventListener("input", update);
  form.addEventListener("change", update);
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    update();
  });
  form.addEventListener("reset", function () {
    // The reset event fires before the fields are cleared.
    setTimeout(update, 0);
  });

  restore();
  apply();
  form.hidden = false;
})();
