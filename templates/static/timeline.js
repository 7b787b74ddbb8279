/* Filters and search on the home page (and on the map page, where the list holds the places' events
   and each place's mark and name on the map are hidden with its list). Plain script, no network: it also works opened from disk.

   The state lives in the query string so that a filtered view can be shared or bookmarked:
     ?theme=territory&theme=diplomacy&era=the-split&q=treaty
   - theme (repeatable): an event shows if it has ANY of the ticked themes;
   - era: one era id;
   - q: every word must occur in the event's title, date, place, summary or its Chinese or Russian
     names (case, accents and full-width forms are ignored, so "kiakhta" ≠ "kyakhta" but "ё" = "е").
   The three combine with AND. Unknown values in the URL are ignored.

   The search box sits in the page's header and belongs to the form through its form="filters"
   attribute (so its events do not bubble through the form: it has listeners of its own).

   Below the filters: the charts' keyboard and touch handling, the year jump and the marker that
   names the era and year while the list scrolls.

   Content never goes through innerHTML: the script only toggles `hidden`, classes, attributes and
   textContent. */
(function () {
  "use strict";

  var form = document.getElementById("filters");
  var timeline = document.getElementById("timeline");
  if (!form || !timeline || !window.URLSearchParams) return;

  // The search text (parsed, folded) is built on the first search, not at load: most readers never
  // search, and on a slow phone parsing and folding every event's text is a long task at load.
  var searchData = null;
  function searchText(item) {
    if (item.text === undefined) {
      if (searchData === null) {
        try {
          searchData = JSON.parse(document.getElementById("search-data").textContent);
        } catch (err) {
          searchData = {};
        }
      }
      item.text = fold(Object.prototype.hasOwnProperty.call(searchData, item.id) ? searchData[item.id] : item.li.textContent);
    }
    return item.text;
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
      era: li.getAttribute("data-era") || ""
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
  var query = document.getElementById("filter-q");
  var searchBox = document.getElementById("site-search");
  var searchCount = document.getElementById("search-count");
  var count = document.getElementById("filter-count");
  var empty = document.getElementById("filter-empty");
  // The words it writes come from the page, in its language: data-<name>-<plural category> on the element
  // written to (the template fills them from the gettext catalog), with {placeholders} filled in here.
  var plural = new Intl.PluralRules(document.documentElement.lang || "en");
  function say(el, name, n, values) {
    var text = el.getAttribute("data-" + name + "-" + plural.select(n)) || el.getAttribute("data-" + name + "-other") || "";
    return text.replace(/\{(\w+)\}/g, function (all, key) { return key in values ? values[key] : all; });
  }

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
        words.every(function (w) { return searchText(item).indexOf(w) >= 0; });
      item.li.hidden = !match;
      if (match && !seen[item.id]) shown += 1;
      if (match) seen[item.id] = true;
      var mark = marks[item.id];
      if (mark) mark.classList.toggle("dimmed", active && !match);
    });
    // A filtered list is short: every event in it shows its summary, not only the major ones.
    timeline.classList.toggle("filtered", active);
    // An era with no matching event would be an empty heading; unfiltered, every era shows as without JS.
    sections.forEach(function (section) {
      section.hidden = active && !section.querySelector("li.event:not([hidden])");
      (places[section.id] || []).forEach(function (el) { el.classList.toggle("filtered-out", section.hidden); });
    });
    count.textContent = say(count, "count", total, { shown: shown, count: total });
    empty.hidden = shown !== 0;
    // The header's search box is far from the list: it says how many match, and links to them (with
    // none, to the filters, which say so and are what to change).
    searchCount.textContent = say(searchCount, "found", shown, { count: shown });
    searchCount.hidden = !active;
    searchCount.setAttribute("href", shown ? "#timeline" : "#filters");
    visible = items.filter(function (item) { return !item.li.hidden; });
    // The map keeps its one Tab stop on a place still shown (below).
    document.dispatchEvent(new Event("timeline-filtered"));
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
  query.addEventListener("input", update);
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    update();
    // Enter in the search box: go to what it found, the keyboard with the eyes (the next Tab goes on
    // through the events found, not back up to the header); with nothing found it stays in the box.
    if (document.activeElement === query && visible.length) toFound();
  });
  function toFound() {
    var li = visible[0].li;
    var first = li.querySelector(".event-title a") || li.querySelector("a");
    timeline.scrollIntoView();
    // Scrolled further only if need be: at 200 % text the first era's heading and introduction fill
    // a phone's screen, and the event found, focused, was below it.
    if (first) first.focus();
  }
  // The count's link does the same: followed as a plain link to #timeline it would move the view but
  // not the focus, and a screen reader would say nothing of where it went.
  searchCount.addEventListener("click", function (event) {
    if (!visible.length) return;
    event.preventDefault();
    toFound();
  });
  form.addEventListener("reset", function () {
    // The reset event fires before the fields are cleared.
    setTimeout(update, 0);
  });

  var visible = items;
  restore();
  apply();
  form.hidden = false;
  searchBox.hidden = false;
  // The skip link, and the filter form's link back up to the search box, focus the box itself.
  Array.prototype.forEach.call(document.querySelectorAll('a[href="#filter-q"]'), function (a) {
    a.hidden = false;
    a.addEventListener("click", function (event) {
      event.preventDefault();
      query.focus();
    });
  });

  /* The year of each event, from its <time datetime="1860-11-14">. */
  items.forEach(function (item) {
    var time = item.li.querySelector(".event-date time");
    item.year = time ? parseInt(time.getAttribute("datetime"), 10) : NaN;
    var section = item.li.closest("section.era");
    var heading = section && section.querySelector("h2 a");
    item.eraLabel = heading ? heading.textContent : "";
  });

  /* Go to a year: the first listed event of that year, or of the nearest year that has one. */
  var yearForm = document.getElementById("year-jump");
  var yearInput = document.getElementById("year-input");
  var yearResult = document.getElementById("year-result");
  if (yearForm && yearInput && yearResult) {
    yearForm.hidden = false;
    yearForm.addEventListener("submit", function (event) {
      event.preventDefault();
      var wanted = parseInt(yearInput.value, 10);
      // Only among the events shown: the jump once landed on an event the filters hide, and said so.
      var pool = visible;
      if (items.length && !pool.length) {
        yearResult.textContent = empty.textContent;
        return;
      }
      if (isNaN(wanted) || !pool.length) {
        yearResult.textContent = say(yearResult, "prompt", 0, { year: pool.length ? pool[0].year : "" });
        return;
      }
      var best = null;
      pool.forEach(function (item) {
        if (isNaN(item.year)) return;
        if (!best || Math.abs(item.year - wanted) < Math.abs(best.year - wanted)) best = item;
      });
      if (!best) return;
      var same = pool.filter(function (item) { return item.year === best.year; }).length;
      yearResult.textContent = say(yearResult, best.year === wanted ? "found" : "nearest", same,
                                   { wanted: wanted, year: best.year, count: same });
      goTo(best.li);
    });
  }

  function goTo(li) {
    li.scrollIntoView();
    var link = li.querySelector(".event-title a");
    if (link) link.focus({ preventScroll: true });
    li.classList.add("landed");
    setTimeout(function () { li.classList.remove("landed"); }, 2000);
  }

  /* While the list scrolls, a marker at the top of the screen names the era and year in view. */
  var where = document.getElementById("where");
  if (where) {
    // One line whatever the width and text size: the era's name gives way (…), the year never. Two
    // lines of Russian on a phone (more at 200 % text) covered the event a decade link had landed on.
    var whereEra = where.appendChild(document.createElement("span"));
    var whereYear = where.appendChild(document.createElement("span"));
    whereEra.className = "where-era";
    whereYear.className = "where-year";
    var pending = false;
    var place = function () {
      pending = false;
      var box = timeline.getBoundingClientRect();
      var line = where.offsetHeight + 20;
      if (box.top > 0 || box.bottom < line || !visible.length) {
        where.hidden = true;
        return;
      }
      // the first event not wholly under the marker (the list is in time order)
      var lo = 0, hi = visible.length - 1, found = visible.length - 1;
      while (lo <= hi) {
        var mid = (lo + hi) >> 1;
        if (visible[mid].li.getBoundingClientRect().bottom > line) {
          found = mid;
          hi = mid - 1;
        } else {
          lo = mid + 1;
        }
      }
      var item = visible[found];
      whereEra.textContent = item.eraLabel;
      whereYear.textContent = " · " + (isNaN(item.year) ? "" : item.year);
      where.hidden = false;
    };
    window.addEventListener("scroll", function () {
      if (!pending) {
        pending = true;
        requestAnimationFrame(place);
      }
    }, { passive: true });
    place();
  }
})();

/* The charts and the map: each is one stop for the Tab key. The arrow keys (and Home and End) move
   through its links, Enter opens one; the link focused, hovered or tapped is named in a visible label
   under the drawing. The script applies the single stop to the map (without it every place there is
   a stop of its own); the charts are drawn with it (their events are all in the list below them).
   On a chart's touch screen the first tap names a mark, a second opens it. */
(function () {
  "use strict";

  function slice(list) { return Array.prototype.slice.call(list); }

  function nameOf(link) {
    var title = link.querySelector("title");
    return link.getAttribute("aria-label") || (title ? title.textContent : "");
  }

  /* The link in hand has tabindex 0, the others -1. move(link, key) says which link a key leads to.
     The listeners go on the HTML box around the drawing: Chromium makes an SVG element with a focus
     listener a Tab stop of its own. The label names the link in hand, as a link or (linked false) as text. */
  function rove(box, links, label, move, linked) {
    var hand = { current: null };
    hand.select = function (link, focus) {
      links.forEach(function (m) {
        m.setAttribute("tabindex", m === link ? "0" : "-1");
        m.classList.toggle("current", m === link);
      });
      hand.current = link;
      if (focus) link.focus();
      while (label.firstChild) label.removeChild(label.firstChild);
      var a = document.createElement(linked ? "a" : "span");
      if (linked) a.href = link.getAttribute("href");
      a.textContent = nameOf(link);
      label.appendChild(a);
    };
    box.addEventListener("keydown", function (event) {
      // Alt+Left is the browser's Back, and so on: keys with a modifier are left to the browser.
      if (links.indexOf(document.activeElement) < 0 || event.altKey || event.ctrlKey || event.metaKey) return;
      var next = move(document.activeElement, event.key);
      if (!next) return;
      event.preventDefault();
      hand.select(next, true);
    });
    box.addEventListener("focusin", function (event) {
      var link = event.target.closest ? event.target.closest("a") : null;
      if (link && links.indexOf(link) >= 0 && link !== hand.current) hand.select(link, false);
    });
    box.addEventListener("pointerover", function (event) {
      var link = event.target.closest("a");
      if (link && links.indexOf(link) >= 0 && event.pointerType === "mouse") hand.select(link, false);
    });
    return hand;
  }

  slice(document.querySelectorAll(".chart-scroll")).forEach(function (box) {
    var svg = box.querySelector("svg");
    var label = box.nextElementSibling;
    if (!svg || !label || !label.classList.contains("chart-label")) return;
    var marks = slice(svg.querySelectorAll("a.mark"));
    if (!marks.length) return;
    var hand = rove(box, marks, label, function (mark, key) {
      var i = marks.indexOf(mark);
      var next = {
        ArrowRight: i + 1, ArrowDown: i + 1, ArrowLeft: i - 1, ArrowUp: i - 1,
        Home: 0, End: marks.length - 1, PageDown: i + 10, PageUp: i - 10
      }[key];
      return next === undefined ? null : marks[Math.max(0, Math.min(marks.length - 1, next))];
    }, true);
    var tapped = null;   // on touch: the mark under the finger, if it was already the one named
    // (Read before the tap focuses the mark, which names it.)
    svg.addEventListener("pointerdown", function (event) {
      var mark = event.target.closest("a.mark");
      tapped = event.pointerType === "touch" ? { mark: mark, named: mark !== null && mark === hand.current } : null;
    });
    svg.addEventListener("click", function (event) {
      var mark = event.target.closest("a.mark");
      var tap = tapped;
      tapped = null;
      if (mark && event.detail > 0 && tap && tap.mark === mark && !tap.named) {
        event.preventDefault();
        hand.select(mark, false);
      }
    });
  });

  /* The map: one link a place (an area's outline repeats its name's link and is left out). Left and
     Right go west to east, Up and Down north to south, each through every place the filters show. */
  var map = document.querySelector("svg.map");
  var mapLabel = document.getElementById("map-label");
  var places = map ? slice(map.querySelectorAll("a.map-mark:not(.map-area)")) : [];
  if (!places.length || !mapLabel) return;
  function at(link) {
    var shape = link.querySelector("circle, text");
    var circle = shape.tagName.toLowerCase() === "circle";
    return [parseFloat(shape.getAttribute(circle ? "cx" : "x")), parseFloat(shape.getAttribute(circle ? "cy" : "y"))];
  }
  function order(axis) {
    return places.slice().sort(function (a, b) {
      var pa = at(a), pb = at(b);
      return pa[axis] - pb[axis] || pa[1 - axis] - pb[1 - axis];
    });
  }
  var eastward = order(0), southward = order(1);
  function shown(link) { return !link.classList.contains("filtered-out"); }
  function step(list, link, by) {
    for (var i = list.indexOf(link) + by; i >= 0 && i < list.length; i += by) {
      if (shown(list[i])) return list[i];
    }
    return null;
  }
  // The label is text: the place's link is the mark itself, and a second link would be a second stop.
  var hand = rove(map.parentNode, places, mapLabel, function (link, key) {
    var visible = eastward.filter(shown);
    switch (key) {
      case "ArrowRight": return step(eastward, link, 1);
      case "ArrowLeft": return step(eastward, link, -1);
      case "ArrowDown": return step(southward, link, 1);
      case "ArrowUp": return step(southward, link, -1);
      case "Home": return visible[0];
      case "End": return visible[visible.length - 1];
    }
    return null;
  }, false);
  // The one stop stays on a place the filters show: at first the westernmost, and again whenever the
  // place in hand is filtered out.
  function keepStop() {
    if (hand.current && shown(hand.current)) return;
    var first = eastward.filter(shown)[0] || null;
    places.forEach(function (link) {
      link.setAttribute("tabindex", link === first ? "0" : "-1");
      link.classList.remove("current");
    });
    hand.current = null;
    while (mapLabel.firstChild) mapLabel.removeChild(mapLabel.firstChild);
  }
  keepStop();
  document.addEventListener("timeline-filtered", keepStop);
  mapLabel.hidden = false;
  var help = document.getElementById("map-keys");
  if (help) help.hidden = false;
})();
