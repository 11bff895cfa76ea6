/* Löfte results site: draws the chart of the current view and copies the share link.
   Everything the page says is already in the HTML; this script only adds the picture. */
(function () {
  "use strict";

  function drawChart() {
    var target = document.querySelector("[data-spec]");
    if (!target || typeof window.vegaEmbed !== "function") return;
    var source = document.getElementById(target.getAttribute("data-spec"));
    if (!source) return;
    var spec = JSON.parse(source.textContent);
    // ast + the bundled interpreter: no eval, so the strict Content-Security-Policy holds;
    // defaultStyle false: vega-embed would inject an inline <style> (no actions menu to style).
    window.vegaEmbed(target, spec, { renderer: "svg", actions: false, ast: true, defaultStyle: false }).then(function () {
      // One accessible picture with the chart's description; the table next to it has the data.
      var svg = target.querySelector("svg");
      if (svg) {
        svg.setAttribute("role", "img");
        svg.setAttribute("aria-label", spec.description || "");
      }
      target.setAttribute("data-rendered", "true");
    }).catch(function (err) {
      target.setAttribute("data-error", String(err));
    });
  }

  function setUpCopy() {
    document.querySelectorAll("[data-copy]").forEach(function (button) {
      button.addEventListener("click", function () {
        var input = document.getElementById(button.getAttribute("data-copy"));
        var status = document.querySelector(".share__status");
        var say = function (attribute) {
          if (status) status.textContent = button.getAttribute(attribute) || "";
        };
        var fallback = function () {
          // the old way: copy the selected text; some browsers refuse it too
          input.select();
          var copied = false;
          try { copied = document.execCommand("copy"); } catch (e) { copied = false; }
          say(copied ? "data-copied" : "data-copy-failed");
        };
        input.select();
        if (navigator.clipboard && window.isSecureContext) {
          navigator.clipboard.writeText(input.value).then(function () { say("data-copied"); }, fallback);
        } else {
          fallback();
        }
      });
    });
  }

  function start() { drawChart(); setUpCopy(); }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
