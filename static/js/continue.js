// Carries on a whole-session approval: while the run is unfinished its page posts the
// "Continue" form by itself, so each request approves the next batches and the progress bar
// moves. Without JavaScript the officer presses the button.
(function () {
  "use strict";
  var form = document.getElementById("continue-form");
  if (!form) { return; }
  window.setTimeout(function () { form.submit(); }, 300);
}());
