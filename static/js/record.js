// Keeps what an assessor types on this device until the server has it, so a dropped
// connection loses nothing, and shows progress as items are ticked. Works without it too.
(function () {
  "use strict";
  var form = document.getElementById("record-form");
  if (!form) { return; }
  var key = "skills_cert.assessment." + form.dataset.assessment;
  var version = parseInt(form.dataset.version, 10);
  var progress = document.getElementById("progress");

  function fields() {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.name && (el.name === "knowledge" || el.name.indexOf("item-") === 0 ||
        el.name.indexOf("note-") === 0 || el.name.indexOf("points-") === 0);
    });
  }
  function snapshot() {
    var data = {};
    fields().forEach(function (el) {
      if (el.type === "radio") { if (el.checked) { data[el.name] = el.value; } }
      else { data[el.name] = el.value; }
    });
    return data;
  }
  function restore(data) {
    var changed = false;
    fields().forEach(function (el) {
      if (!(el.name in data)) { return; }
      if (el.type === "radio") {
        var want = el.value === data[el.name];
        if (el.checked !== want) { el.checked = want; changed = true; }
      } else if (el.value !== data[el.name]) { el.value = data[el.name]; changed = true; }
    });
    return changed;
  }
  function updateProgress() {
    if (!progress) { return; }
    var total = parseInt(progress.dataset.total, 10);
    var done = fields().filter(function (el) {
      return el.type === "radio" && el.checked && el.value !== "";
    }).length;
    progress.textContent = progress.textContent.replace(/\d+(\D+)\d+/, done + "$1" + total);
  }

  try {
    var stored = JSON.parse(window.localStorage.getItem(key) || "null");
    if (stored && stored.version === version && restore(stored.data)) {
      document.getElementById("restore-note").hidden = false;
    } else if (stored && stored.version !== version) {
      window.localStorage.removeItem(key);  // the server has a newer save
    }
  } catch (e) { /* storage unavailable: the form still works */ }
  updateProgress();

  form.addEventListener("input", function () {
    updateProgress();
    try {
      window.localStorage.setItem(key, JSON.stringify({ version: version, data: snapshot(), at: Date.now() }));
    } catch (e) { /* quota or private mode: nothing to do */ }
  });
})();
