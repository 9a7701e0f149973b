/* Treillis preview: reload this tab when its page changed; show content problems. */
(function () {
  "use strict";
  var here = decodeURIComponent(window.location.pathname).replace(/^\//, "");
  if (here === "" || here.slice(-1) === "/") here += "index.html";
  var overlay = null;

  function showProblems(problems) {
    if (!problems.length) {
      if (overlay) { overlay.remove(); overlay = null; }
      return;
    }
    if (!overlay) {
      overlay = document.createElement("div");
      overlay.id = "treillis-problems";
      overlay.setAttribute("role", "alert");
      overlay.style.cssText = "position:fixed;inset:0;z-index:2147483647;overflow:auto;" +
        "background:rgba(20,20,20,.92);color:#fff;font:14px/1.5 monospace;padding:2rem";
      document.body.appendChild(overlay);
    }
    overlay.textContent = "";
    var title = document.createElement("h2");
    title.textContent = problems.length + " problem" + (problems.length > 1 ? "s" : "") +
      " in the content: the last good pages are shown. Fix the file and save.";
    title.style.cssText = "font:bold 18px sans-serif;color:#ffb4b4;margin:0 0 1rem";
    overlay.appendChild(title);
    var list = document.createElement("ul");
    problems.forEach(function (problem) {
      var item = document.createElement("li");
      item.textContent = problem; /* text, never HTML */
      list.appendChild(item);
    });
    overlay.appendChild(list);
  }

  var me = document.currentScript;
  var version = me ? me.getAttribute("data-version") : null;

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
