/* Desk: follow a running job. The status URL is in data-status-url of #job-status; the page
   reloads to the job's next page once it needs the user or is over. */
(function () {
  "use strict";
  var status = document.getElementById("job-status");
  var url = status && status.getAttribute("data-status-url");
  if (!url || !window.fetch) return;
  function poll() {
    fetch(url, { headers: { "Accept": "application/json" }, credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (s) {
        document.getElementById("job-progress").value = s.percent;
        document.getElementById("job-step").textContent = s.step;
        status.textContent = s.status_label;
        status.setAttribute("data-status", s.status);
        if (s.next && (s.finished || s.status === "confirm")) { window.location.assign(s.next); return; }
        window.setTimeout(poll, 700);
      })
      .catch(function () { window.setTimeout(poll, 2000); });
  }
  poll();
})();
