// The recording page (templates/assessments/record.html). It keeps what is typed on this device
// (offline.js) until the server has it and restores it; when the server's version moved on, it
// shows both and the assessor chooses; it asks the server for the decision as items are ticked
// (POST .../record/preview, the same code as the save), and marks the decision as not worked out
// without a connection; "All satisfactory" per task, keys 1, 2, 3 and Enter. Works without it too.
(function () {
  "use strict";
  var form = document.getElementById("record-form");
  var lib = window.SkillsCertOffline;
  if (!form || !lib) { return; }
  var text = lib.strings();
  var assessment = Number(form.dataset.assessment);
  var user = form.dataset.offlineKey;
  var editable = form.dataset.editable === "1" && !!user;  // not once submitted
  var id = user + ":" + assessment;
  var versionInput = form.querySelector("input[name=version]");
  var fields = document.getElementById("record-fields");
  var status = document.getElementById("offline-status");
  var restoreNote = document.getElementById("restore-note");
  var progress = document.getElementById("progress");
  var live = document.getElementById("decision-live");
  var staleNote = live.querySelector(".decision-stale");
  var staleText = staleNote.textContent;
  var panel = document.getElementById("conflict");
  var inConflict = false;
  var total = Number(progress.dataset.total);

  function each(selector, root, fn) { Array.prototype.forEach.call((root || document).querySelectorAll(selector), fn); }
  function say(message) { status.textContent = message || ""; status.hidden = !message; }
  function version() { return Number(versionInput.value); }
  function setVersion(v) {
    if (v > version()) { versionInput.value = String(v); form.dataset.version = String(v); }
  }
  function busy(on) { each("button[type=submit]", form, function (b) { b.disabled = on; }); }

  // Each change goes to localStorage at once (a page left mid-write keeps it), then to the
  // draft in IndexedDB, which the sync reads; the first copy goes once the second has it.
  var buffer = "skills_cert.assessment." + assessment;
  function saveDraft(queued) {
    if (!editable || inConflict) { return Promise.resolve(); }
    var data = lib.readForm(form);
    var at = Date.now();
    queued = !!(queued || !navigator.onLine);
    try {
      window.localStorage.setItem(buffer, JSON.stringify({ user: user, base: version(), data: data, queued: queued, at: at }));
    } catch (e) { /* private mode or full: IndexedDB alone */ }
    return lib.updateDraft(id, function (current) {
      if (current && (current.state === "conflict" || current.state === "blocked")) { return undefined; }
      return { id: id, user: user, assessment: assessment, url: window.location.pathname,
               base: Math.max(version(), current ? current.base : 0, lib.known(assessment)),
               data: data, state: "pending", updated: at, queued: queued || !!(current && current.queued) };
    }).then(function () {
      try {
        var kept = JSON.parse(window.localStorage.getItem(buffer) || "null");
        if (kept && kept.at === at) { window.localStorage.removeItem(buffer); }
      } catch (e) { /* nothing to tidy */ }
    }).catch(function () { /* no IndexedDB: the form still posts */ });
  }
  function recoverBuffer() {  // what the page was writing when it was left
    var kept = null;
    try { kept = JSON.parse(window.localStorage.getItem(buffer) || "null"); } catch (e) { return Promise.resolve(); }
    if (!kept || kept.user !== user) { return Promise.resolve(); }
    return lib.updateDraft(id, function (current) {
      if (current && (current.state === "conflict" || current.state === "blocked" || current.updated >= kept.at)) {
        return undefined;
      }
      return { id: id, user: user, assessment: assessment, url: window.location.pathname,
               base: Math.max(kept.base, current ? current.base : 0), data: kept.data, state: "pending",
               updated: kept.at, queued: kept.queued || !!(current && current.queued) };
    }).then(function () { window.localStorage.removeItem(buffer); });
  }

  function restore(data) {
    var changed = false;
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || !(el.name in data) || el.type === "hidden") { return; }
      if (el.type === "radio") {
        var want = el.value === data[el.name];
        if (el.checked !== want) { el.checked = want; changed = true; }
      } else if (el.value !== data[el.name]) { el.value = data[el.name]; changed = true; }
    });
    return changed;
  }

  function showProgress(done, all) {
    progress.textContent = progress.textContent.replace(/\d+(\D+)\d+/, done + "$1" + all);
  }
  function countProgress() {
    showProgress(form.querySelectorAll("input[type=radio]:checked:not([value=''])").length, total);
  }

  // The decision: the server's answer for what the form holds, or marked as not worked out.
  var previewTimer = null;
  var previewSeq = 0;
  function stale(on, messages) {  // no decision shown rather than one that is not the server's
    live.querySelector(".decision-body").hidden = on;
    staleNote.textContent = messages && messages.length ? messages.join(" ") : staleText;
    staleNote.hidden = !on;
  }
  function preview() {
    window.clearTimeout(previewTimer);
    previewTimer = window.setTimeout(function () {
      var seq = ++previewSeq;
      if (!navigator.onLine || inConflict) { stale(true); return; }
      fetch(form.dataset.preview, { method: "POST", body: new FormData(form), credentials: "same-origin",
                                    headers: { "Accept": "application/json" } }).then(function (response) {
        return response.status === 200 || response.status === 422 ? response.json() : Promise.reject(response.status);
      }).then(function (answer) {
        if (seq !== previewSeq) { return; }
        if (!answer.html) { stale(true, answer.errors); return; }
        var doc = new DOMParser().parseFromString(answer.html, "text/html");
        live.querySelector(".decision-body").replaceChildren.apply(
          live.querySelector(".decision-body"), Array.prototype.slice.call(doc.body.childNodes));
        total = answer.total;
        showProgress(answer.recorded, answer.total);
        stale(false);
      }).catch(function () { if (seq === previewSeq) { stale(true); } });
    }, 250);
  }

  function changed(event) {
    saveDraft(false);
    countProgress();
    if (!event || !event.target.name || event.target.name.indexOf("note-") !== 0) { preview(); }
  }

  // Both versions, side by side, when the server's moved on: the assessor chooses, per line.
  function labelFor(name) {
    var code = name.replace(/^(item|note|points)-/, "");
    if (name.indexOf("item-") === 0) {
      var legend = document.getElementById(name);
      legend = legend && legend.querySelector("legend");
      return legend ? legend.textContent.replace(/\s+/g, " ").trim() : code;
    }
    var label = form.querySelector('label[for="' + name + '"]');
    var words = label ? label.textContent.trim() : name;
    return name.indexOf("note-") === 0 ? words + " " + code : words;
  }
  function shown(name, value) {
    if (name.indexOf("item-") === 0) {
      var radio = form.querySelector('input[name="' + name + '"][value="' + (value || "") + '"]');
      return radio ? radio.parentNode.textContent.trim() : value;
    }
    return value && String(value).trim() ? String(value) : text.empty;
  }
  function choiceCell(name, side, value, choose) {
    var cell = document.createElement("td");
    if (!choose) { cell.textContent = shown(name, value); return cell; }
    var label = document.createElement("label");
    var input = document.createElement("input");
    var hint = document.createElement("span");
    label.className = "choice conflict-choice";
    input.type = "radio";
    input.name = "pick-" + name;
    input.value = side;
    hint.className = "visually-hidden";
    hint.textContent = (side === "device" ? text.deviceChoice : text.serverChoice) + ": ";
    label.appendChild(input);
    label.appendChild(hint);
    label.appendChild(document.createTextNode(shown(name, value)));
    cell.appendChild(label);
    return cell;
  }
  function showConflict(draft) {
    var choose = draft.state === "conflict";
    var server = draft.server ? draft.server.values : {};
    var body = panel.querySelector("tbody");
    inConflict = true;
    fields.disabled = true;
    restoreNote.hidden = true;
    stale(true);
    body.replaceChildren();
    lib.differences(draft.data, server).forEach(function (name) {
      if (!choose && !lib.normal(name, draft.data[name])) { return; }  // only what this device holds
      var row = body.insertRow();
      var head = document.createElement("th");
      row.dataset.field = name;
      head.scope = "row";
      head.textContent = labelFor(name);
      row.appendChild(head);
      row.appendChild(choiceCell(name, "device", draft.data[name], choose));
      row.appendChild(choiceCell(name, "server", server[name], choose));
    });
    panel.querySelector(".conflict-text").hidden = !choose;
    panel.querySelector(".conflict-closed").textContent = text[draft.reason] || text.closed;
    panel.querySelector(".conflict-closed").hidden = choose;
    panel.querySelector(".conflict-choose").hidden = !choose;
    panel.querySelector(".conflict-discard").hidden = choose;
    panel.querySelector(".conflict-error").hidden = true;
    panel.hidden = false;
    panel.tabIndex = -1;
    panel.focus();
    panel.dataset.state = draft.state;
    panel.current = draft;
  }
  function recordConflict(data, serverVersion, serverValues) {
    var draft = { id: id, user: user, assessment: assessment, url: window.location.pathname,
                  base: serverVersion, data: data, state: "conflict", queued: true, updated: Date.now(),
                  server: { version: serverVersion, values: serverValues }, reason: "", messages: [] };
    return lib.updateDraft(id, function () { return draft; }).then(function () { showConflict(draft); });
  }
  function chosen() {
    var draft = panel.current;
    var merged = {};
    var missing = false;
    Object.keys(draft.server.values).forEach(function (n) { merged[n] = draft.server.values[n]; });
    each("tbody tr", panel, function (row) {
      var pick = row.querySelector("input:checked");
      if (!pick) { missing = true; } else if (pick.value === "device") { merged[row.dataset.field] = draft.data[row.dataset.field]; }
    });
    return missing ? null : merged;
  }
  panel.addEventListener("click", function (event) {
    var target = event.target.closest("button");
    if (!target) { return; }
    if (target.dataset.pick) {
      each("input[value=" + target.dataset.pick + "]", panel, function (r) { r.checked = true; });
    } else if (target.hasAttribute("data-save")) {
      var merged = chosen();
      panel.querySelector(".conflict-error").hidden = !!merged;
      if (!merged) { return; }
      var draft = panel.current;
      restore(merged);
      setVersion(draft.server.version);
      inConflict = false;
      fields.disabled = false;
      panel.hidden = true;
      lib.updateDraft(id, function () {
        return { id: id, user: user, assessment: assessment, url: window.location.pathname,
                 base: draft.server.version, data: merged, state: "pending", queued: true, updated: Date.now() };
      }).then(function () {
        countProgress();
        if (navigator.onLine) {
          form.requestSubmit(form.querySelector("button[value=save]"));
        } else {
          say(text.kept);
        }
      });
    } else if (target.hasAttribute("data-discard")) {
      lib.ask([text.discardAsk], text.discard, text.cancel, true).then(function (yes) {
        if (yes) { lib.remove(id).then(function () { window.location.reload(); }); }
      });
    }
  });

  function start() {
    var serverValues = document.getElementById("server-values");
    var page = lib.readForm(form);
    if (serverValues) {  // the save was refused (409): the form holds what was sent
      var server = JSON.parse(serverValues.dataset.values);
      if (!lib.differences(page, server).length) {
        return lib.remove(id).then(function () { say(text.alreadySaved); });
      }
      return recordConflict(page, version(), server);
    }
    return lib.getDraft(id).then(function (draft) {
      if (!draft) { return; }
      if (!editable) {  // submitted meanwhile: what this device kept is shown, to note or delete
        if (!lib.differences(draft.data, page).length) { return lib.remove(id); }
        return showConflict({ data: draft.data, state: "blocked", reason: draft.reason || "closed",
                              server: { version: version(), values: page } });
      }
      if (draft.state === "conflict" || draft.state === "blocked") { return showConflict(draft); }
      if (draft.base >= version()) {
        setVersion(draft.base);
        var restored = restore(draft.data);
        if (draft.state === "invalid") {
          say((draft.messages || []).join(" "));
        } else if (restored && draft.queued) {
          say(text.kept);  // sent by itself once connected
        } else {
          restoreNote.hidden = !restored;  // typed while connected but never saved: check and save
        }
        return;
      }
      if (!lib.differences(draft.data, page).length) { return lib.remove(id); }
      return recordConflict(draft.data, version(), page);  // the server moved on meanwhile
    });
  }

  function refreshToken() {  // a kept copy's CSRF token may have expired: the server's own
    if (form.dataset.offlineCopy !== "1") { return; }
    lib.fetchPage(window.location.pathname).then(function (page) {
      if (page.token) { each("input[name=csrf_token]", document, function (i) { i.value = page.token; }); }
      if (page.login) { say(text.login); }
    }).catch(function () {});
  }

  document.addEventListener("skills-cert:sync", function (event) {
    var d = event.detail;
    if (d.type === "done") {
      busy(false);
      if (d.outcome === "login") { say(text.login); }
      return;
    }
    if (d.assessment !== assessment) { return; }
    if (d.type === "start") { busy(true); say(text.sending); }
    if (d.type === "sent") { setVersion(d.version); restoreNote.hidden = true; say(text.sent); preview(); }
    if (d.type === "failed") { say(text.failed); }
    if (d.type === "offline") { say(text.offline); }
    if (d.type === "conflict" || d.type === "blocked") { say(""); lib.getDraft(id).then(showConflict); }
    if (d.type === "invalid") {
      lib.getDraft(id).then(function (draft) { say(((draft && draft.messages) || []).join(" ")); });
    }
  });

  form.addEventListener("input", changed);
  form.addEventListener("submit", function (event) {
    if (inConflict) { event.preventDefault(); return; }
    if (navigator.onLine) { return; }  // the server answers; sw.js brings the kept page back if it cannot
    event.preventDefault();
    var submitting = event.submitter && event.submitter.value === "submit";
    saveDraft(true).then(function () { say(submitting ? text.submitOffline : text.kept); });
  });
  var photoForm = document.getElementById("photo-form");
  if (photoForm) {
    photoForm.addEventListener("submit", function (event) {
      if (!navigator.onLine) { event.preventDefault(); say(text.photoOffline); }
    });
  }

  // "All satisfactory" for one task, after saying what it changes.
  each("button.all-ok", form, function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      var section = button.closest(".task-record");
      var notYet = section.querySelectorAll("input[type=radio][value=n]:checked").length;
      var safety = section.querySelectorAll("fieldset.item.safety").length;
      var lines = [text.allOk.replace("{n}", section.querySelectorAll("fieldset.item").length)
        .replace("{task}", button.dataset.task)];
      if (notYet) { lines.push(text.allOkChanges.replace("{m}", notYet)); }
      if (safety) { lines.push(text.allOkSafety.replace("{s}", safety)); }
      lib.ask(lines, text.allOkConfirm, text.cancel).then(function (yes) {
        if (yes) {
          each("input[type=radio][value=s]", section, function (radio) { radio.checked = true; });
          changed();
        }
        button.focus();
      });
    });
  });

  // Keys: 1 satisfactory (then the next item), 2 not yet (then its note), 3 not recorded;
  // Enter in a text field goes to the next item instead of sending the form.
  var KEYS = { Digit1: "s", Numpad1: "s", Digit2: "n", Numpad2: "n", Digit3: "", Numpad3: "" };
  function focusItem(item) {
    var radio = item && (item.querySelector("input[type=radio]:checked") || item.querySelector("input[type=radio]"));
    if (radio) { radio.focus(); } else { form.querySelector("button[type=submit]").focus(); }
  }
  function nextItem(item) {
    var items = Array.prototype.slice.call(form.querySelectorAll("fieldset.item"));
    return item ? items[items.indexOf(item) + 1] : items[0];
  }
  form.addEventListener("keydown", function (event) {
    var target = event.target;
    var item = target.closest("fieldset.item");
    if (event.ctrlKey || event.altKey || event.metaKey) { return; }
    if (target.type === "radio" && item && event.code in KEYS) {
      event.preventDefault();
      var radio = item.querySelector('input[type=radio][value="' + KEYS[event.code] + '"]');
      radio.checked = true;
      changed({ target: radio });
      if (KEYS[event.code] === "n") { item.querySelector("input[type=text]").focus(); } else { focusItem(nextItem(item)); }
    } else if (target.type === "text" && event.key === "Enter" && !event.isComposing) {
      event.preventDefault();
      focusItem(nextItem(item));
    }
  });

  window.addEventListener("offline", function () { say(text.offline); stale(true); });
  window.addEventListener("online", function () {
    say("");
    refreshToken();
    preview();
    lib.syncAll(user);
  });

  if (form.dataset.offlineCopy === "1") {
    say(text.copy + (navigator.onLine ? "" : " " + text.offline));
  } else if (!navigator.onLine) {
    say(text.offline);
  }
  if (!user) { return; }
  if (!editable) {
    start().catch(function () {});
    return;
  }
  var session = document.getElementById("session-link");
  var controlled = !!(navigator.serviceWorker && navigator.serviceWorker.controller);
  lib.startWorker(form.dataset.worker).then(function (ready) {
    if (ready && navigator.onLine) {  // this page (unless the worker already kept it) and its session's
      var pages = controlled ? [session.getAttribute("href")] : [window.location.pathname, session.getAttribute("href")];
      lib.keep(pages, user).then(function (n) { form.dataset.kept = String(n); });
    }
  });
  recoverBuffer().then(start).catch(function () {}).then(function () {
    if (window.location.hash === "#kept") {  // posted without a connection: sw.js came back here
      window.history.replaceState(null, "", window.location.pathname);
      saveDraft(true).then(function () { say(text.kept); });
    }
    countProgress();
    if (!restoreNote.hidden || form.dataset.offlineCopy === "1" || !navigator.onLine) { preview(); }
    refreshToken();
    if (navigator.onLine) { lib.syncAll(user); }
  });
}());
