// Suggests a romanised name from the Lao-script name; the user can still edit it.
(function () {
  "use strict";
  var form = document.getElementById("candidate-form");
  if (!form) { return; }
  var lao = form.querySelector("[name=name_lao]");
  var latin = form.querySelector("[name=name_latin]");
  var edited = latin.value !== "";
  latin.addEventListener("input", function () { edited = latin.value !== ""; });
  var timer = null;
  lao.addEventListener("input", function () {
    if (edited) { return; }
    window.clearTimeout(timer);
    timer = window.setTimeout(function () {
      fetch(form.dataset.romaniseUrl + "?lao=" + encodeURIComponent(lao.value), { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (body) { if (body && !edited) { latin.value = body.suggestion; } })
        .catch(function () { /* offline: the server suggests on submit instead */ });
    }, 300);
  });
})();
