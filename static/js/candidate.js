// Suggests a romanised name and a spelling in Thai script from the Lao-script name; the user can
// still edit both (a field the user typed in is left alone).
(function () {
  "use strict";
  var form = document.getElementById("candidate-form");
  if (!form) { return; }
  var lao = form.querySelector("[name=name_lao]");
  var targets = [
    { input: form.querySelector("[name=name_latin]"), key: "suggestion" },
    { input: form.querySelector("[name=name_thai]"), key: "thai" }
  ];
  targets.forEach(function (target) {
    target.edited = target.input.value !== "";
    target.input.addEventListener("input", function () { target.edited = target.input.value !== ""; });
  });
  var timer = null;
  lao.addEventListener("input", function () {
    if (targets.every(function (target) { return target.edited; })) { return; }
    window.clearTimeout(timer);
    timer = window.setTimeout(function () {
      fetch(form.dataset.romaniseUrl + "?lao=" + encodeURIComponent(lao.value), { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (body) {
          if (!body) { return; }
          targets.forEach(function (target) {
            if (!target.edited) { target.input.value = body[target.key] || ""; }
          });
        })
        .catch(function () { /* offline: the server suggests on submit instead */ });
    }, 300);
  });
})();
