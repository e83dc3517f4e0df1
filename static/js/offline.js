// Recording without a connection (issue 21). On every page of a logged-in user:
// - drafts: what an assessor records, kept in IndexedDB, one per user key and assessment
//   ({id, user, assessment, url, base: the server version it was recorded on, data: the form's
//   fields, state: pending | conflict | blocked | invalid, queued: recorded without a connection});
// - sync: when the connection returns, each queued draft goes through the recording page's own
//   save, with a fresh CSRF token and the version from a fresh copy of that page; when the
//   server's version moved on, nothing is sent and the assessor chooses (record.js);
// - the service worker (sw.js) that keeps the recording pages (session_offline.js, record.js);
// - log-out: asks first when results are not sent yet, then deletes all of it (the server's
//   Clear-Site-Data header does the same).
(function () {
  "use strict";
  var DB_NAME = "skills-cert-offline";
  var STORE = "drafts";
  var known = {};  // assessment id -> the newest version this page knows the server has
  var dbPromise = null;
  var running = null;

  function openDb() {
    if (!window.indexedDB) { return Promise.reject(new Error("no IndexedDB")); }
    if (!dbPromise) {
      dbPromise = new Promise(function (resolve, reject) {
        var request = window.indexedDB.open(DB_NAME, 1);
        request.onupgradeneeded = function () {
          request.result.createObjectStore(STORE, { keyPath: "id" });
        };
        request.onsuccess = function () {
          var db = request.result;
          db.onversionchange = function () { db.close(); dbPromise = null; };  // a wipe elsewhere
          resolve(db);
        };
        request.onerror = function () { dbPromise = null; reject(request.error); };
      });
    }
    return dbPromise;
  }

  // fn(store, out) issues requests in one transaction; resolves with out.value once committed.
  function transact(mode, fn) {
    return openDb().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(STORE, mode);
        var out = {};
        fn(tx.objectStore(STORE), out);
        tx.oncomplete = function () { resolve(out.value); };
        tx.onerror = tx.onabort = function () { reject(tx.error); };
      });
    });
  }

  function getDraft(id) {
    return transact("readonly", function (store, out) {
      store.get(id).onsuccess = function (event) { out.value = event.target.result; };
    });
  }

  function allDrafts(user) {
    return transact("readonly", function (store, out) {
      store.getAll().onsuccess = function (event) {
        out.value = event.target.result.filter(function (d) { return !user || d.user === user; });
      };
    });
  }

  // Read, change and write one draft in one transaction, so that a sync and the assessor's
  // typing never overwrite each other. change(current) returns the new draft, null to delete
  // it, or undefined to leave it.
  function updateDraft(id, change) {
    return transact("readwrite", function (store, out) {
      store.get(id).onsuccess = function (event) {
        var next = change(event.target.result);
        if (next === null) { store.delete(id); } else if (next) { store.put(next); }
        out.value = next;
      };
    });
  }

  function isField(name) {
    return name === "knowledge" || /^(item|note|points)-/.test(name);
  }

  function readForm(form) {
    var data = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || !isField(el.name)) { return; }
      if (el.type === "radio") {
        if (!(el.name in data)) { data[el.name] = ""; }
        if (el.checked) { data[el.name] = el.value; }
      } else {
        data[el.name] = el.value;
      }
    });
    return data;
  }

  // A value as the server keeps it: trimmed, and a score as a number ("82,0" is "82").
  function normal(name, value) {
    value = (value === undefined || value === null ? "" : String(value)).trim();
    if (value && (name === "knowledge" || name.indexOf("points-") === 0)) {
      var number = Number(value.replace(",", "."));
      if (isFinite(number)) { return String(number); }
    }
    return value;
  }

  function differences(a, b) {
    var names = Object.keys(a).concat(Object.keys(b).filter(function (n) { return !(n in a); }));
    return names.filter(function (n) { return normal(n, a[n]) !== normal(n, b[n]); });
  }

  function emit(type, assessment, extra) {
    var detail = { type: type, assessment: assessment, version: known[assessment] };
    Object.keys(extra || {}).forEach(function (k) { detail[k] = extra[k]; });
    document.dispatchEvent(new CustomEvent("skills-cert:sync", { detail: detail }));
  }

  // The server's own recording page (never the kept copy: sw.js sees the header), read.
  function fetchPage(url) {
    return fetch(url, { credentials: "same-origin", cache: "no-store",
                        headers: { "X-Skills-Cert-Sync": "1" } }).then(function (response) {
      if (response.redirected || response.status === 401) { return { login: true }; }
      if (response.status === 403 || response.status === 404) { return { refused: response.status }; }
      if (!response.ok) { return { error: response.status }; }
      return response.text().then(function (html) {
        var form = new DOMParser().parseFromString(html, "text/html").getElementById("record-form");
        if (!form) { return { login: true }; }
        var token = form.querySelector("input[name=csrf_token]");
        return { version: Number(form.dataset.version), editable: form.dataset.editable === "1",
                 token: token ? token.value : "", values: readForm(form) };
      });
    });
  }

  function post(url, data, token, version) {
    var body = new URLSearchParams();
    Object.keys(data).forEach(function (name) { body.append(name, data[name]); });
    body.append("csrf_token", token);
    body.append("version", String(version));
    body.append("action", "save");
    return fetch(url, { method: "POST", body: body, credentials: "same-origin",
                        headers: { "Accept": "application/json" } }).then(function (response) {
      var json = (response.headers.get("Content-Type") || "").indexOf("application/json") === 0;
      return (json ? response.json() : Promise.resolve({})).then(function (answer) {
        answer.status = response.status;
        return answer;
      });
    });
  }

  // The server has *sent* at *version*: done, unless more was typed meanwhile (sent next time).
  function settle(sent, version) {
    return updateDraft(sent.id, function (current) {
      known[sent.assessment] = Math.max(known[sent.assessment] || 0, version);
      if (!current) { return undefined; }
      if (!differences(current.data, sent.data).length) { return null; }
      current.base = Math.max(current.base, version);
      return current;
    });
  }

  function setState(sent, state, page, messages) {
    return updateDraft(sent.id, function (current) {
      if (!current || (state === "invalid" && differences(current.data, sent.data).length)) {
        return undefined;  // corrected meanwhile: tried again next time
      }
      current.state = state;
      current.server = page && page.values ? { version: page.version, values: page.values } : null;
      current.reason = page && page.refused ? "refused" : (state === "blocked" ? "closed" : "");
      current.messages = messages || [];
      return current;
    }).then(function () { return state; });
  }

  function syncOne(draft, retried) {
    return fetchPage(draft.url).then(function (page) {
      if (page.login) { return "login"; }
      if (page.error) { return "failed"; }
      if (page.refused) { return setState(draft, "blocked", page); }
      known[draft.assessment] = Math.max(known[draft.assessment] || 0, page.version);
      if (!page.editable) { return setState(draft, "blocked", page); }
      if (page.version !== draft.base) {
        if (!differences(draft.data, page.values).length) {
          return settle(draft, page.version).then(function () { return "sent"; });
        }
        return setState(draft, "conflict", page);
      }
      return post(draft.url, draft.data, page.token, draft.base).then(function (answer) {
        if (answer.saved) {
          return settle(draft, answer.version).then(function () {
            return fetch(draft.url, { credentials: "same-origin", cache: "no-store" })  // a new kept copy
              .catch(function () {});
          }).then(function () { return "sent"; });
        }
        if ((answer.status === 409 || answer.status === 400) && !retried) {
          return syncOne(draft, true);  // someone saved first, or the token was refused: look again
        }
        if (answer.status === 422) { return setState(draft, "invalid", null, answer.errors); }
        return "failed";
      });
    }, function () { return "offline"; });
  }

  function withLock(fn) {
    if (navigator.locks && navigator.locks.request) {  // one tab sends at a time
      return navigator.locks.request("skills-cert-sync", { ifAvailable: true }, function (lock) {
        return lock ? fn() : "busy";
      });
    }
    return fn();
  }

  // Send every queued draft of *user*, one after the other. Resolves with "login", "offline",
  // "busy" (another tab is sending), "failed" or "" when every draft went through. Unless the
  // log-in ended, what could not go is tried again, less and less often (a weak connection).
  var retryTimer = null;
  var retryDelay = 2000;
  function syncAll(user) {
    if (!user) { return Promise.resolve(""); }
    if (running) { return running; }
    window.clearTimeout(retryTimer);
    var failed = false;
    running = withLock(function () {
      return allDrafts(user).then(function (drafts) {
        return drafts.filter(function (d) { return d.state === "pending" && d.queued; })
          .reduce(function (chain, draft) {
            return chain.then(function (stop) {
              if (stop) { return stop; }
              emit("start", draft.assessment);
              return syncOne(draft).then(function (outcome) {
                emit(outcome, draft.assessment);
                failed = failed || outcome === "failed";
                return outcome === "login" || outcome === "offline" ? outcome : "";
              });
            });
          }, Promise.resolve(""));
      });
    }).catch(function () { return "failed"; }).then(function (stop) {
      stop = stop || (failed ? "failed" : "");
      running = null;
      if (stop && stop !== "login" && navigator.onLine) {
        retryTimer = window.setTimeout(function () { syncAll(user); }, retryDelay);
        retryDelay = Math.min(retryDelay * 2, 60000);
      } else if (!stop) {
        retryDelay = 2000;
      }
      emit("done", null, { outcome: stop });
      return stop;
    });
    return running;
  }

  // The service worker, controlling this page; false where there is none to be had.
  function startWorker(url) {
    if (!("serviceWorker" in navigator) || !window.caches || !url) { return Promise.resolve(false); }
    return navigator.serviceWorker.register(url).then(function () {
      if (navigator.serviceWorker.controller) { return true; }
      return new Promise(function (resolve) {
        navigator.serviceWorker.addEventListener("controllerchange", function () { resolve(true); });
        window.setTimeout(function () { resolve(!!navigator.serviceWorker.controller); }, 10000);
      });
    }).catch(function () { return false; });
  }

  // How many of *urls* are kept for this user. Those not kept yet are fetched through the worker,
  // which keeps each page sent for this user. (A kept page is renewed each time it is opened.)
  function keep(urls, user) {
    return window.caches.open("skills-cert-pages-" + user).then(function (cache) {
      return Promise.all(urls.map(function (url) {
        return cache.match(url).then(function (kept) {
          return kept || fetch(url, { credentials: "same-origin", cache: "no-store" }).then(function (response) {
            return response.ok && response.headers.get("X-Offline-Key") === user;
          }, function () { return false; });
        });
      }));
    }).then(function (kept) { return kept.filter(Boolean).length; });
  }

  function wipe() {
    var jobs = [];
    var closed = dbPromise ? dbPromise.then(function (db) { db.close(); }, function () {}) : Promise.resolve();
    dbPromise = null;
    if (window.indexedDB) {
      jobs.push(closed.then(function () {
        return new Promise(function (resolve) {
          var request = window.indexedDB.deleteDatabase(DB_NAME);
          request.onsuccess = request.onerror = request.onblocked = resolve;
        });
      }));
    }
    if (window.caches) {
      jobs.push(window.caches.keys().then(function (names) {
        return Promise.all(names.filter(function (n) { return n.indexOf("skills-cert-") === 0; })
          .map(function (n) { return window.caches.delete(n); }));
      }));
    }
    if (navigator.serviceWorker) {
      jobs.push(navigator.serviceWorker.getRegistrations().then(function (registrations) {
        return Promise.all(registrations.map(function (r) { return r.unregister(); }));
      }));
    }
    try {  // record.js's copies written at once, and drafts kept there before IndexedDB
      Object.keys(window.localStorage).filter(function (k) { return k.indexOf("skills_cert.assessment.") === 0; })
        .forEach(function (k) { window.localStorage.removeItem(k); });
    } catch (e) { /* no storage: nothing kept there */ }
    var timeout = new Promise(function (resolve) { window.setTimeout(resolve, 3000); });
    return Promise.race([Promise.all(jobs).catch(function () {}), timeout]);
  }

  function button(label, className, value) {
    var b = document.createElement("button");
    b.type = "submit";
    b.className = className;
    b.value = value;
    b.textContent = label;
    return b;
  }

  // A modal question; resolves true when the first (confirming) button is chosen.
  function ask(lines, yes, no, danger) {
    return new Promise(function (resolve) {
      var dialog = document.createElement("dialog");
      var form = document.createElement("form");
      dialog.className = "confirm-dialog";
      form.method = "dialog";
      lines.forEach(function (line) {
        var p = document.createElement("p");
        p.textContent = line;
        form.appendChild(p);
      });
      var actions = document.createElement("div");
      actions.className = "actions";
      var cancel = button(no, "button", "no");
      actions.appendChild(button(yes, danger ? "button danger" : "button primary", "yes"));
      actions.appendChild(cancel);
      form.appendChild(actions);
      dialog.appendChild(form);
      dialog.addEventListener("close", function () {
        resolve(dialog.returnValue === "yes");
        dialog.remove();
      });
      document.body.appendChild(dialog);
      dialog.showModal();
      if (danger) { cancel.focus(); }  // what deletes is never the default
    });
  }

  function unsentCount() {
    var exists = window.indexedDB && window.indexedDB.databases
      ? window.indexedDB.databases().then(function (dbs) {
        return dbs.some(function (d) { return d.name === DB_NAME; });
      }) : Promise.resolve(!!window.indexedDB);
    return exists.then(function (yes) { return yes ? allDrafts(null) : []; })
      .then(function (drafts) { return drafts.length; }, function () { return 0; });
  }

  function guardLogout() {
    var form = document.getElementById("logout-form");
    if (!form) { return; }
    var going = false;
    form.addEventListener("submit", function (event) {
      if (going) { return; }
      event.preventDefault();
      unsentCount().then(function (n) {
        if (!n) { return true; }
        return ask([form.dataset.unsent.replace("{n}", n)], form.dataset.leave, form.dataset.stay, true);
      }).then(function (leave) {
        if (!leave) { return; }
        going = true;
        wipe().then(function () { form.submit(); });
      });
    });
  }

  function strings() {
    var block = document.getElementById("offline-strings");
    return block ? JSON.parse(block.dataset.strings) : {};
  }

  window.SkillsCertOffline = {
    getDraft: getDraft, updateDraft: updateDraft, readForm: readForm, differences: differences,
    normal: normal, fetchPage: fetchPage, syncAll: syncAll, startWorker: startWorker, keep: keep,
    ask: ask, strings: strings, allDrafts: allDrafts,
    known: function (assessment) { return known[assessment] || 0; },
    remove: function (id) { return updateDraft(id, function () { return null; }); }
  };
  guardLogout();
}());
