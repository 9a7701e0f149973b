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

  function recordVisit() {
    if (kind !== "descriptor" && kind !== "document") return;
    var history = load(HISTORY);
    var last = history[history.length - 1];
    if (last && last.url === here) return; /* a reload is not a new step */
    history.push({ url: here, title: title, kind: kind, lang: lang, time: Date.now() });
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
      if (!inBasket()) basket.push({ url: here, title: title, lang: lang, time: Date.now() });
      save(BASKET, basket);
      show();
    });
    button.hidden = false;
    show();
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
      if (name === "history") {
        var label = document.createElement("span");
        label.className = "reader-list__kind";
        label.textContent = container.getAttribute("data-" + item.kind) || item.kind;
        entry.appendChild(label);
        entry.appendChild(document.createTextNode(" "));
      }
      var link = document.createElement("a");
      link.href = item.url;
      link.textContent = item.title; /* text, never HTML */
      if (item.lang) link.setAttribute("lang", item.lang);
      entry.appendChild(link);
      if (item.time) {
        var time = document.createElement("time");
        var date = new Date(item.time);
        time.dateTime = date.toISOString();
        time.textContent = " · " + date.toLocaleString(lang);
        entry.appendChild(time);
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

  recordVisit();
  markVisited();
  setupBasketButton();
  setupReaderLists();
})();
