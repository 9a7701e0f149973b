/* Diagrams: a "full size" view (a dialog that pans and zooms), plain script, no fetch,
   so it works over file:// too. Scroll regions are a tab stop only while they scroll. */
(function () {
  "use strict";

  var MIN_SCALE = 0.25;
  var MAX_SCALE = 8;
  var STEP = 1.25; // one press of + or −
  var PAN = 40; // pixels per arrow key press

  function updateRegion(region) {
    // A region that scrolls must be reachable by keyboard; one that fits need not be.
    if (region.scrollWidth > region.clientWidth + 1) {
      region.setAttribute("tabindex", "0");
    } else {
      region.removeAttribute("tabindex");
    }
  }

  function shownPicture(figure) {
    var pictures = figure.querySelectorAll("svg.diagram");
    for (var i = 0; i < pictures.length; i++) {
      if (pictures[i].getClientRects().length) return pictures[i];
    }
    return pictures[0];
  }

  function button(label, text, className) {
    var element = document.createElement("button");
    element.type = "button";
    element.className = className;
    element.textContent = text;
    if (label !== text) element.setAttribute("aria-label", label);
    return element;
  }

  function copyOf(picture) {
    // The wide picture, as drawn; its ids renamed so that none appears twice in the page.
    var copy = picture.cloneNode(true);
    copy.classList.remove("diagram--wide", "diagram--narrow");
    var named = copy.querySelectorAll("[id]");
    for (var i = 0; i < named.length; i++) named[i].id += "_full";
    ["aria-labelledby", "aria-describedby"].forEach(function (name) {
      var value = copy.getAttribute(name);
      if (value) copy.setAttribute(name, value + "_full");
    });
    return copy;
  }

  function open(opener) {
    var figure = opener.closest(".diagram-figure");
    var source = figure.querySelector("svg.diagram--wide") || shownPicture(figure);
    var picture = copyOf(source);
    var width = source.width.baseVal.value;
    var height = source.height.baseVal.value;
    var data = opener.dataset;

    var dialog = document.createElement("dialog");
    dialog.className = "diagram-viewer";
    var title = source.querySelector("title");
    if (title) dialog.setAttribute("aria-label", title.textContent);
    var bar = document.createElement("div");
    bar.className = "diagram-viewer__bar";
    var zoomIn = button(data.zoomIn, "+", "diagram-viewer__zoom-in");
    var zoomOut = button(data.zoomOut, "−", "diagram-viewer__zoom-out");
    var reset = button(data.reset, data.reset, "diagram-viewer__reset");
    var close = button(data.close, data.close, "diagram-viewer__close");
    var hint = document.createElement("p");
    hint.textContent = data.hint;
    hint.id = "diagram-viewer-hint";
    bar.append(zoomIn, zoomOut, reset, hint, close);
    var stage = document.createElement("div");
    stage.className = "diagram-viewer__stage";
    stage.tabIndex = 0;
    stage.setAttribute("role", "group");
    stage.setAttribute("aria-describedby", hint.id);
    if (title) stage.setAttribute("aria-label", title.textContent);
    stage.appendChild(picture);
    dialog.append(bar, stage);
    document.body.appendChild(dialog);

    var view = { scale: 1, x: 0, y: 0 };
    function apply() {
      picture.style.transform =
        "translate(" + view.x + "px, " + view.y + "px) scale(" + view.scale + ")";
      dialog.dataset.scale = String(view.scale);
    }
    function fit() {
      // 1:1, centred when it is smaller than the stage, from its top left corner otherwise.
      view.scale = 1;
      view.x = Math.max(0, (stage.clientWidth - width) / 2);
      view.y = Math.max(0, (stage.clientHeight - height) / 2);
      apply();
    }
    function zoom(factor, cx, cy) {
      var scale = Math.min(MAX_SCALE, Math.max(MIN_SCALE, view.scale * factor));
      if (cx === undefined) {
        cx = stage.clientWidth / 2;
        cy = stage.clientHeight / 2;
      }
      // The point under (cx, cy) stays where it is.
      view.x = cx - ((cx - view.x) * scale) / view.scale;
      view.y = cy - ((cy - view.y) * scale) / view.scale;
      view.scale = scale;
      apply();
    }
    function pan(dx, dy) {
      view.x += dx;
      view.y += dy;
      apply();
    }

    zoomIn.addEventListener("click", function () { zoom(STEP); });
    zoomOut.addEventListener("click", function () { zoom(1 / STEP); });
    reset.addEventListener("click", fit);
    close.addEventListener("click", function () { dialog.close(); });
    dialog.addEventListener("keydown", function (event) {
      var keys = {
        ArrowLeft: [PAN, 0], ArrowRight: [-PAN, 0], ArrowUp: [0, PAN], ArrowDown: [0, -PAN]
      };
      if (event.target.tagName === "BUTTON" && (event.key === "Enter" || event.key === " ")) {
        return;
      }
      if (keys[event.key]) {
        pan(keys[event.key][0], keys[event.key][1]);
      } else if (event.key === "+" || event.key === "=") {
        zoom(STEP);
      } else if (event.key === "-" || event.key === "−" || event.key === "_") {
        zoom(1 / STEP);
      } else if (event.key === "0") {
        fit();
      } else {
        return;
      }
      event.preventDefault();
    });

    // Pointers: one drags, two pinch. A drag is not a click on the link under it.
    var pointers = new Map();
    var moved = 0;
    var pinch = 0;
    stage.addEventListener("pointerdown", function (event) {
      pointers.set(event.pointerId, { x: event.clientX, y: event.clientY });
      moved = 0;
      if (pointers.size === 2) pinch = distance();
    });
    function distance() {
      var points = Array.from(pointers.values());
      return Math.hypot(points[0].x - points[1].x, points[0].y - points[1].y);
    }
    stage.addEventListener("pointermove", function (event) {
      var last = pointers.get(event.pointerId);
      if (!last) return;
      var dx = event.clientX - last.x;
      var dy = event.clientY - last.y;
      if (moved < 4 && Math.hypot(dx, dy) > 0) {
        // Capture once it is a drag: a plain click still reaches the link under it.
        if (!stage.hasPointerCapture(event.pointerId)) stage.setPointerCapture(event.pointerId);
      }
      last.x = event.clientX;
      last.y = event.clientY;
      moved += Math.abs(dx) + Math.abs(dy);
      if (pointers.size === 1) {
        pan(dx, dy);
      } else if (pointers.size === 2 && pinch) {
        var now = distance();
        var box = stage.getBoundingClientRect();
        var points = Array.from(pointers.values());
        zoom(
          now / pinch,
          (points[0].x + points[1].x) / 2 - box.left,
          (points[0].y + points[1].y) / 2 - box.top
        );
        pinch = now;
      }
    });
    function release(event) {
      pointers.delete(event.pointerId);
      if (pointers.size < 2) pinch = 0;
    }
    stage.addEventListener("pointerup", release);
    stage.addEventListener("pointercancel", release);
    stage.addEventListener("click", function (event) {
      if (moved > 4) event.preventDefault();
    }, true);
    stage.addEventListener("wheel", function (event) {
      event.preventDefault();
      var box = stage.getBoundingClientRect();
      zoom(Math.exp(-event.deltaY / 300), event.clientX - box.left, event.clientY - box.top);
    }, { passive: false });

    dialog.addEventListener("close", function () {
      dialog.remove();
      opener.focus();
    });
    dialog.showModal();
    fit();
    stage.focus();
  }

  function start() {
    var regions = document.querySelectorAll(".diagram-scroll");
    regions.forEach(updateRegion);
    window.addEventListener("resize", function () { regions.forEach(updateRegion); });
    document.querySelectorAll(".diagram-full").forEach(function (opener) {
      opener.hidden = false;
      opener.addEventListener("click", function () { open(opener); });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
