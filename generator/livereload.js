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

  var events = new EventSource("/__treillis/events");
  events.onmessage = function (message) {
    var data = JSON.parse(message.data);
    if (data.type === "problems") {
      showProblems(data.problems);
    } else if (data.type === "reload") {
      showProblems([]);
      if (data.all || data.pages.indexOf(here) !== -1) window.location.reload();
    }
  };
})();
