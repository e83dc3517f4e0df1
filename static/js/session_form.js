// The assessor list follows the chosen standard: only assessors accredited for its code are shown
// (the server checks the accreditation again on the test date). Without script, all are listed.
(function () {
  "use strict";
  var form = document.getElementById("session-form");
  if (!form) { return; }
  var standard = form.querySelector("[name=standard]");
  var rows = Array.prototype.slice.call(form.querySelectorAll("#assessor-picker [data-codes]"));
  var none = document.getElementById("no-accredited-assessor");

  function follow() {
    var option = standard.options[standard.selectedIndex];
    var code = option ? option.getAttribute("data-code") : null;
    var shown = 0;
    rows.forEach(function (row) {
      var fits = !code || row.getAttribute("data-codes").split(" ").indexOf(code) !== -1;
      row.hidden = !fits;
      var box = row.querySelector("input");
      box.disabled = !fits;  // a hidden assessor is never sent
      if (fits) { shown += 1; }
    });
    none.hidden = shown > 0;
  }

  standard.addEventListener("change", follow);
  follow();
})();
