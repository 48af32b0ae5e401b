// Service worker of the kiosk app: keeps the app shell so a tablet that reboots while the server or the
// network is down still starts (its queue and configuration live in localStorage). Network first: whenever
// the server answers, the tablet runs the newest app. API calls are never intercepted.
'use strict';
var CACHE = 'qiymet-kiosk-v2';
var SHELL = ['/kiosk/', '/kiosk/app.js', '/kiosk/app.css', '/kiosk/strings.json', '/kiosk/manifest.webmanifest', '/kiosk/icon.svg'];

self.addEventListener('install', function (e) {
  e.waitUntil(caches.open(CACHE).then(function (c) { return c.addAll(SHELL); }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener('activate', function (e) {
  e.waitUntil(caches.keys().then(function (keys) {
    return Promise.all(keys.filter(function (k) { return k !== CACHE; }).map(function (k) { return caches.delete(k); }));
  }).then(function () { return self.clients.claim(); }));
});

function withTimeout(p, ms) {
  return new Promise(function (resolve, reject) {
    var t = setTimeout(function () { reject(new Error('timeout')); }, ms);
    p.then(function (v) { clearTimeout(t); resolve(v); }, function (err) { clearTimeout(t); reject(err); });
  });
}

self.addEventListener('fetch', function (e) {
  var url = new URL(e.request.url);
  if (e.request.method !== 'GET' || url.origin !== self.location.origin || SHELL.indexOf(url.pathname) < 0) return;
  e.respondWith(withTimeout(fetch(e.request, { cache: 'no-cache' }), 5000).then(function (res) {
    if (res.ok) {
      var copy = res.clone();
      caches.open(CACHE).then(function (c) { c.put(url.pathname, copy); });
    }
    return res;
  }).catch(function () {
    return caches.match(url.pathname).then(function (hit) { return hit || Response.error(); });
  }));
});
