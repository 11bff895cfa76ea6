/* Desk: upload a delivery with a progress bar (the form also works without this script).
   The failure message comes from the form's data-failed attribute (translated in the page). */
(function () {
  "use strict";
  var form = document.getElementById("upload-form");
  if (!form || !window.XMLHttpRequest || !window.FormData) return;
  var failed = form.getAttribute("data-failed") || "";
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var xhr = new XMLHttpRequest();
    var bar = document.getElementById("upload-progress");
    var pct = document.getElementById("upload-percent");
    var err = document.getElementById("upload-error");
    document.getElementById("upload-progress-wrap").hidden = false;
    err.hidden = true;
    xhr.upload.onprogress = function (e) {
      if (e.lengthComputable) { bar.value = Math.round(100 * e.loaded / e.total); pct.textContent = bar.value + " %"; }
    };
    xhr.onload = function () {
      var data = {};
      try { data = JSON.parse(xhr.responseText); } catch (e) { data = {}; }
      if (xhr.status === 202 && data.url) { window.location.assign(data.url); return; }
      var msgs = [];
      if (data.errors) {
        Object.keys(data.errors).forEach(function (k) {
          data.errors[k].forEach(function (m) { msgs.push(m.message); });
        });
      }
      err.textContent = msgs.join(" ") || failed;
      err.hidden = false;
    };
    xhr.onerror = function () { err.textContent = failed; err.hidden = false; };
    xhr.open("POST", form.action);
    xhr.setRequestHeader("Accept", "application/json");
    xhr.send(new FormData(form));
  });
})();
