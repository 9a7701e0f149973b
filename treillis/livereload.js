/* Treillis preview: reload this tab when its page changed; show content problems. */
(function () {
  "use strict";
  var here = decodeURIComponent(window.location.pathname).replace(/^\//, "");
  if (here === "" || here.slice(-1) === "/") here += "index.html";
  var overlay = null;
  var me = document.currentScript;
  var version = me ? me.getAttribute("data-version") : null;
  /* The site's words for the overlay, in its first language (set by the server). */
  var words = { lang: "en", problems: "Problems in the content ({n}): the last good pages " +
    "are shown. Fix the file and save." };
  try {
    var given = JSON.parse(me && me.getAttribute("data-words") || "null");
    if (given && given.lang && given.problems) words = given;
  } catch (error) { /* keep the English words */ }

  function showProblems(problems) {
    if (!problems.length) {
      if (overlay) { overlay.remove(); overlay = null; }
      return;
    }
    if (!overlay) {
      overlay = document.createElement("div");
      overlay.id = "treillis-problems";
      overlay.setAttribute("role", "alert");
      overlay.setAttribute("lang", words.lang);
      /* Opaque and above everything (a sticky header included): the page must not show
         through the problems, nor its header hide them. */
      overlay.style.cssText = "position:fixed;inset:0;z-index:2147483647;overflow:auto;" +
        "background:#141414;color:#fff;font:14px/1.5 monospace;padding:2rem;margin:0;" +
        "box-sizing:border-box";
      document.body.appendChild(overlay);
    }
    overlay.textContent = "";
    var title = document.createElement("h2");
    title.textContent = words.problems.replace("{n}", String(problems.length));
    title.style.cssText = "font:bold 18px sans-serif;color:#ffb4b4;margin:0 0 1rem";
    overlay.appendChild(title);
    var list = document.createElement("ul");
    list.setAttribute("lang", "en"); /* Treillis writes its problems in English */
    problems.forEach(function (problem) {
      var item = document.createElement("li");
      item.textContent = problem; /* text, never HTML */
      list.appendChild(item);
    });
    overlay.appendChild(list);
  }


  function receive(raw) {
    var data = JSON.parse(raw);
    if (data.type === "hello") {
      /* A change happened between serving this page and listening: catch up. */
      if (version !== null && String(data.version) !== version) window.location.reload();
    } else if (data.type === "problems") {
      showProblems(data.problems);
    } else if (data.type === "reload") {
      showProblems([]);
      if (data.all || data.pages.indexOf(here) !== -1) window.location.reload();
    }
  }

  if (window.SharedWorker) {
    var worker = new SharedWorker("/__treillis/worker.js");
    worker.port.onmessage = function (message) { receive(message.data); };
    worker.port.start();
    /* The shared stream said hello before this tab joined: ask for the state. */
    fetch("/__treillis/status").then(function (r) { return r.json(); }).then(function (status) {
      receive(JSON.stringify({ type: "hello", version: status.version }));
      if (status.problems.length) showProblems(status.problems);
    });
  } else {
    var events = new EventSource("/__treillis/events");
    events.onmessage = function (message) { receive(message.data); };
  }
})();
