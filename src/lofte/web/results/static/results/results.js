/* Löfte results site: draws the chart of the current view, applies a changed selection at once
   (the *Visa* button is only needed without JavaScript), keeps the tabs' links in step with the
   form, and copies the share link. Everything the page says is already in the HTML. */
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

  function setUpSelection() {
    var form = document.querySelector("form[data-auto-apply]");
    if (!form) return;
    var timer = null;
    var apply = form.querySelector("[data-apply]");
    if (apply) apply.hidden = true;
    var status = form.querySelector(".selection__status");
    // on a phone the less used choices fold away under "Fler val" (their summary says what they are)
    var more = form.querySelector("details[data-collapse-narrow]");
    if (more && window.matchMedia("(max-width: 40rem)").matches) more.open = false;

    function query(view) {
      var params = new URLSearchParams(new FormData(form));
      if (view) params.set("view", view);
      return params.toString();
    }
    function syncTabs() {
      document.querySelectorAll(".tabs a[data-view]").forEach(function (link) {
        link.setAttribute("href", "?" + query(link.getAttribute("data-view")));
      });
    }
    form.addEventListener("change", function () {
      syncTabs();
      if (status) status.textContent = status.getAttribute("data-loading") || "";
      // a short pause: arrowing through a closed list fires one change per step
      if (timer) window.clearTimeout(timer);
      timer = window.setTimeout(function () {
        window.location.assign(form.getAttribute("action") + "?" + query(null));
      }, 350);
    });
  }

  function start() { setUpSelection(); drawChart(); setUpCopy(); }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
