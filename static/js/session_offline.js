// A session's page (templates/assessments/session.html), for its assessors: asks the service
// worker to keep the session's recording pages for use without a connection, marks the
// candidates whose results on this device are not sent yet or need a choice, and sends them
// when the connection returns (offline.js does the work).
(function () {
  "use strict";
  var lib = window.SkillsCertOffline;
  var box = document.getElementById("offline-session");
  if (!lib || !box || !box.dataset.key) { return; }
  var user = box.dataset.key;
  var text = lib.strings();
  var links = Array.prototype.map.call(
    document.querySelectorAll("tr[data-assessment] a[href$='/record']"),
    function (a) { return a.getAttribute("href"); });
  function say(message) { box.textContent = message; box.hidden = !message; }
  function markRows() {
    return lib.allDrafts(user).then(function (drafts) {
      var by = {};
      drafts.forEach(function (d) { by[d.assessment] = d; });
      Array.prototype.forEach.call(document.querySelectorAll("tr[data-assessment]"), function (row) {
        var draft = by[Number(row.dataset.assessment)];
        var badge = row.querySelector(".badge-offline");
        var label = !draft ? "" : draft.state === "invalid" ? text.badgeInvalid
          : draft.state === "pending" ? (draft.queued ? text.badgePending : "") : text.badgeChoose;
        if (!label) { if (badge) { badge.remove(); } return; }
        if (!badge) {  // a link: a submitted candidate's row leads elsewhere
          badge = document.createElement("a");
          badge.className = "badge badge-offline";
          badge.href = draft.url;
          row.cells[2].appendChild(document.createTextNode(" "));
          row.cells[2].appendChild(badge);
        }
        badge.textContent = label;
        badge.dataset.state = draft.state;
      });
      return drafts.some(function (d) { return d.state !== "pending"; });
    }).catch(function () { return false; });
  }
  function report(outcome) {
    markRows().then(function (attention) {
      if (outcome === "login") { say(text.login); } else if (attention) { say(text.attention); }
      box.dataset.state = outcome || "synced";
    });
  }
  document.addEventListener("skills-cert:sync", function (event) {
    if (event.detail.type === "start") { say(text.sending); }
    if (event.detail.type === "sent") { say(text.sent); }
    if (event.detail.type === "done") { report(event.detail.outcome); }
  });
  window.addEventListener("offline", function () { say(text.offline); });
  window.addEventListener("online", function () { lib.syncAll(user); });
  markRows();
  if (box.dataset.offlineCopy === "1" || !navigator.onLine) { say(text.offline); }
  lib.startWorker(box.dataset.worker).then(function (ready) {
    if (!ready) { say(text.unsupported); return; }
    if (!navigator.onLine) { return; }
    say(text.keeping);
    return Promise.all([lib.keep([window.location.pathname], user), lib.keep(links, user)]).then(function (kept) {
      var records = kept[1];
      say(text.ready.replace("{done}", records).replace("{total}", links.length));
      box.dataset.kept = String(records);
      return lib.syncAll(user);
    });
  });
}());
