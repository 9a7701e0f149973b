/* Treillis reader tools: a basket of documents, the reading path, visited links.
 * No dependency; works from a static host and from disk (file://). Everything is kept
 * in this browser's localStorage; every page stays usable without this script. */
(function () {
  "use strict";

  var BASKET = "treillis.basket";
  var HISTORY = "treillis.history";
  var HISTORY_LIMIT = 500;

  /* Entries as this script wrote them: anything else in the storage (written by hand,
   * by another page of the same origin, by an older version) is left out. Only pages
   * of this same site are kept: no javascript: or data: address ever becomes a link. */
  function valid(entry) {
    if (!entry || typeof entry !== "object") return false;
    if (typeof entry.url !== "string" || typeof entry.title !== "string") return false;
    if (entry.time !== undefined && (typeof entry.time !== "number" || !isFinite(entry.time))) return false;
    try {
      var url = new URL(entry.url);
      return url.protocol === window.location.protocol && url.host === window.location.host;
    } catch (error) {
      return false;
    }
  }

  function load(key) {
    try {
      var value = JSON.parse(window.localStorage.getItem(key));
      return Array.isArray(value) ? value.filter(valid) : [];
    } catch (error) {
      return [];
    }
  }

  function save(key, items) {
    try {
      window.localStorage.setItem(key, JSON.stringify(items));
    } catch (error) {
      /* storage full or disabled: the tools simply do nothing */
    }
  }

  function pageAddress(href) {
    var url = new URL(href, window.location.href);
    url.hash = "";
    url.search = "";
    return url.href;
  }

  var here = pageAddress(window.location.href);
  var body = document.body;
  var kind = body.getAttribute("data-kind");
  var title = body.getAttribute("data-title") || document.title;
  var lang = document.documentElement.lang;
  var visitedText = body.getAttribute("data-visited");

  /* What an entry shows besides its title, read from the page when it is kept: older
   * entries lack these fields and show nothing in their place. */
  var DETAILS = ["type", "dossier", "lead", "date"];

  var details = document.querySelector("[data-reader-entry]");

  function entryFor(extra) {
    var entry = { url: here, title: title, lang: lang, time: Date.now() };
    DETAILS.forEach(function (field) {
      var value = details && details.getAttribute("data-" + field);
      if (value) entry[field] = value;
    });
    for (var field in extra) entry[field] = extra[field];
    return entry;
  }

  function detail(item, field) {
    return typeof item[field] === "string" ? item[field] : "";
  }

  function recordVisit() {
    if (kind !== "descriptor" && kind !== "document") return;
    var history = load(HISTORY);
    var last = history[history.length - 1];
    if (last && last.url === here) return; /* a reload is not a new step */
    history.push(entryFor({ kind: kind }));
    save(HISTORY, history.slice(-HISTORY_LIMIT));
  }

  function markVisited() {
    var visited = {};
    load(HISTORY).forEach(function (entry) { visited[entry.url] = true; });
    var links = document.querySelectorAll("a[href]");
    for (var i = 0; i < links.length; i++) {
      var link = links[i];
      var href = link.getAttribute("href");
      if (!href || href.charAt(0) === "#") continue;
      if (visited[pageAddress(href)] && !link.classList.contains("visited")) {
        link.classList.add("visited");
        if (!(link instanceof SVGElement) && visitedText) {
          var note = document.createElement("span");
          note.className = "visually-hidden";
          note.textContent = " (" + visitedText + ")";
          link.appendChild(note);
        }
      }
    }
  }

  function setupBasketButton() {
    var button = document.querySelector(".basket-toggle");
    if (!button || kind !== "document") return;
    function inBasket() {
      return load(BASKET).some(function (item) { return item.url === here; });
    }
    function show() {
      var added = inBasket();
      button.textContent = button.getAttribute(added ? "data-remove" : "data-add");
      button.setAttribute("aria-pressed", added ? "true" : "false");
    }
    button.addEventListener("click", function () {
      var basket = load(BASKET).filter(function (item) { return item.url !== here; });
      if (!inBasket()) basket.push(entryFor({}));
      save(BASKET, basket);
      show();
    });
    button.hidden = false;
    show();
  }

  /* The address a printed list shows: the public one when the site has a base URL,
   * else the page's path in the site — never this browser's file:// or localhost. */
  function readableAddress(container, href) {
    var root = new URL(container.getAttribute("data-root") || "index.html", window.location.href);
    var rootHref = root.href.replace(/index\.html$/, "");
    if (href.indexOf(rootHref) !== 0) return "";
    var path = href.slice(rootHref.length);
    return (container.getAttribute("data-base-url") || "") + path;
  }

  function span(className, text) {
    var element = document.createElement("span");
    element.className = className;
    element.textContent = text; /* text, never HTML */
    return element;
  }

  function formatTime(date) {
    try {
      return new Intl.DateTimeFormat(lang || undefined, { dateStyle: "long", timeStyle: "short" })
        .format(date);
    } catch (error) {
      return date.toLocaleString();
    }
  }

  function renderList(container) {
    var name = container.getAttribute("data-reader-list");
    var key = name === "basket" ? BASKET : HISTORY;
    var list = container.querySelector("ul, ol");
    var actions = container.querySelector(".reader-list__actions");
    var items = load(key);
    list.textContent = "";
    if (!items.length) {
      var empty = document.createElement("li");
      empty.className = "reader-list__empty";
      empty.textContent = container.getAttribute("data-empty");
      list.appendChild(empty);
      actions.hidden = true;
      return;
    }
    items.forEach(function (item) {
      var entry = document.createElement("li");
      entry.className = "reader-entry";
      var heading = document.createElement("p");
      heading.className = "reader-entry__title";
      if (name === "history") {
        var kindLabel = container.getAttribute("data-" + item.kind) || detail(item, "kind");
        heading.appendChild(span("reader-list__kind", kindLabel));
        heading.appendChild(document.createTextNode(" "));
      }
      var link = document.createElement("a");
      link.href = item.url;
      link.textContent = item.title; /* text, never HTML */
      if (item.lang) link.setAttribute("lang", item.lang);
      heading.appendChild(link);
      var address = readableAddress(container, item.url);
      if (address) {
        heading.appendChild(document.createTextNode(" "));
        heading.appendChild(span("reader-entry__address", address));
      }
      entry.appendChild(heading);
      var meta = document.createElement("p");
      meta.className = "reader-entry__meta";
      ["type", "dossier", "date"].forEach(function (field) {
        var value = detail(item, field);
        if (!value) return;
        if (meta.childNodes.length) meta.appendChild(document.createTextNode(" · "));
        meta.appendChild(span("reader-entry__" + field, value));
      });
      if (meta.childNodes.length) {
        if (item.lang) meta.setAttribute("lang", item.lang);
        entry.appendChild(meta);
      }
      var lead = detail(item, "lead");
      if (lead) {
        var leadText = document.createElement("p");
        leadText.className = "reader-entry__lead";
        leadText.textContent = lead;
        if (item.lang) leadText.setAttribute("lang", item.lang);
        entry.appendChild(leadText);
      }
      if (item.time) {
        var stamp = document.createElement("p");
        stamp.className = "reader-entry__time";
        var time = document.createElement("time");
        var date = new Date(item.time);
        time.dateTime = date.toISOString();
        time.textContent = formatTime(date);
        var timeLabel = container.getAttribute("data-time-label");
        if (timeLabel) stamp.appendChild(document.createTextNode(timeLabel + " "));
        stamp.appendChild(time);
        entry.appendChild(stamp);
      }
      list.appendChild(entry);
    });
    actions.hidden = false;
  }

  function setupReaderLists() {
    var containers = document.querySelectorAll("[data-reader-list]");
    Array.prototype.forEach.call(containers, function (container) {
      renderList(container);
      container.addEventListener("click", function (event) {
        var action = event.target.getAttribute && event.target.getAttribute("data-action");
        if (action === "print") window.print();
        if (action === "clear") {
          var name = container.getAttribute("data-reader-list");
          save(name === "basket" ? BASKET : HISTORY, []);
          renderList(container);
        }
      });
    });
  }

  /* Breakpoints, as in treillis.css: the side column from 64rem, the compact header to 40rem. */
  var DESKTOP = "(min-width: 64rem)";
  var PHONE = "(max-width: 40rem)";

  /* The table of contents is a closed <details> (a phone's, and without this script); on a
   * desktop it stands open in the side column. Opening it there moves nothing of the text. */
  function setupContents() {
    var details = document.querySelector(".toc__details");
    if (!details || !window.matchMedia) return;
    var desktop = window.matchMedia(DESKTOP);
    function follow() { details.open = desktop.matches; }
    follow();
    if (desktop.addEventListener) desktop.addEventListener("change", follow);
  }

  /* On a phone the header is one compact row (the site's name and the menu button) over the
   * search box, from the first paint (treillis.css); the button opens the menu below. The
   * header's height is kept in --header-height: anchors scroll clear of it. */
  function setupHeader() {
    var header = document.querySelector(".site-header");
    var button = header && header.querySelector(".menu-toggle");
    if (!header || !button) return;
    function measure() {
      var phone = window.matchMedia && window.matchMedia(PHONE).matches;
      var root = document.documentElement.style;
      if (phone) root.setProperty("--header-height", header.offsetHeight + "px");
      else root.removeProperty("--header-height");
    }
    button.addEventListener("click", function () {
      var open = button.getAttribute("aria-expanded") !== "true";
      button.setAttribute("aria-expanded", open ? "true" : "false");
      header.classList.toggle("site-header--open", open);
      measure();
    });
    measure();
    window.addEventListener("resize", measure);
  }

  setupContents();
  setupHeader();
  recordVisit();
  markVisited();
  setupBasketButton();
  setupReaderLists();
})();
