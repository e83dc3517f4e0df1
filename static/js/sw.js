// The service worker for recording without a connection (issue 21). It is served at /sw.js
// (assessment/views/offline.py), so its scope is the whole site, but it answers only for:
// - a session's page and its recording pages: from the network, keeping a copy per user (the
//   X-Offline-Key header); without a connection, the copy kept for the user last seen online;
// - the static files those pages need: from the network, or the copy without a connection;
// - a recording form posted without a connection: back to the kept page, where static/js/record.js
//   has kept what was typed (nothing is queued here).
// The log-in page, or a kept page answered by a redirect (to the log-in), means nobody is seen:
// no kept page is then shown to anyone. Log-out deletes every cache (Clear-Site-Data).
"use strict";

var STATIC_CACHE = "skills-cert-static-1";
var PAGE_CACHE = "skills-cert-pages-";  // + the user's key
var META_CACHE = "skills-cert-meta";
var USER_ENTRY = "/offline-user";
var PAGES = /^\/(assessments\/\d+\/record|sessions\/\d+)$/;
var RECORD_PAGE = /^\/assessments\/\d+\/record$/;
var STATIC_FILES = [
  "/static/css/app.css", "/static/js/offline.js", "/static/js/record.js", "/static/js/session_offline.js",
  "/static/js/zip.js",
  "/static/fonts/NotoSansLao-Regular.woff2", "/static/fonts/NotoSansLao-Bold.woff2",
  "/static/fonts/NotoSansThai-Regular.woff2", "/static/fonts/NotoSansThai-Bold.woff2"
];

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(STATIC_CACHE)
    .then(function (cache) { return cache.addAll(STATIC_FILES); })
    .then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) {
      return name.indexOf("skills-cert-static-") === 0 && name !== STATIC_CACHE;
    }).map(function (name) { return caches.delete(name); }));
  }).then(function () { return self.clients.claim(); }));
});

function seenUser() {
  return caches.open(META_CACHE).then(function (cache) { return cache.match(USER_ENTRY); })
    .then(function (response) { return response ? response.text() : ""; });
}

function setSeenUser(key) {
  return caches.open(META_CACHE).then(function (cache) {
    return key ? cache.put(USER_ENTRY, new Response(key)) : cache.delete(USER_ENTRY);
  }).then(function () {
    return caches.keys();
  }).then(function (names) {  // another user's kept pages are never shown again: delete them
    return Promise.all(names.filter(function (name) {
      return name.indexOf(PAGE_CACHE) === 0 && name !== PAGE_CACHE + key;
    }).map(function (name) { return caches.delete(name); }));
  });
}

// A kept page, marked so that its scripts know it is the copy (data-offline-copy="1").
function keptPage(path) {
  return seenUser().then(function (key) {
    if (!key) { return null; }
    return caches.open(PAGE_CACHE + key).then(function (cache) { return cache.match(path); });
  }).then(function (response) {
    if (!response) { return Response.error(); }
    return response.text().then(function (html) {
      return new Response(html.split('data-offline-copy="0"').join('data-offline-copy="1"'), {
        status: response.status, headers: response.headers
      });
    });
  });
}

function page(request, url) {
  // The sync (offline.js) asks for the server's page itself, never a kept copy.
  var fromServerOnly = request.headers.has("X-Skills-Cert-Sync");
  return fetch(request).then(function (response) {
    var key = response.headers.get("X-Offline-Key");
    if (response.status === 200 && key && !response.redirected && !url.search) {
      var copy = response.clone();
      return setSeenUser(key)
        .then(function () { return caches.open(PAGE_CACHE + key); })
        .then(function (cache) { return cache.put(url.pathname, copy); })
        .then(function () { return response; });
    }
    if (response.redirected || response.type === "opaqueredirect" || response.status === 401) {
      return setSeenUser("").then(function () { return response; });  // sent to log in
    }
    return response;
  }, function () {
    return fromServerOnly ? Response.error() : keptPage(url.pathname);
  });
}

function staticFile(request) {
  return fetch(request).then(function (response) {
    if (response.status === 200) {
      var copy = response.clone();
      caches.open(STATIC_CACHE).then(function (cache) { return cache.put(request, copy); });
    }
    return response;
  }, function () {
    return caches.open(STATIC_CACHE).then(function (cache) { return cache.match(request); })
      .then(function (response) { return response || Response.error(); });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) { return; }
  if (request.method === "POST") {
    if (request.mode === "navigate" && RECORD_PAGE.test(url.pathname)) {
      event.respondWith(fetch(request).catch(function () {
        return Response.redirect(url.origin + url.pathname + "#kept", 303);
      }));
    }
    return;
  }
  if (request.method !== "GET") { return; }
  if (PAGES.test(url.pathname)) {
    event.respondWith(page(request, url));
  } else if (url.pathname.indexOf("/static/") === 0) {
    event.respondWith(staticFile(request));
  } else if (request.mode === "navigate" && url.pathname === "/auth/login") {
    event.waitUntil(setSeenUser(""));
  }
});
