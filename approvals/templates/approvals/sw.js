{% load static %}// Flexwork service worker: caches the shell only (styles, scripts, icons, the offline page).
// Documents, the API and every other page always come from the network and are never stored.
"use strict";
var CACHE = "flexwork-shell-{{ shell_version|default:'1' }}";
var SHELL = [
  "{% static 'css/app.css' %}",
  "{% static 'approvals/approvals.css' %}",
  "{% static 'js/app.js' %}",
  "{% static 'vendor/htmx.min.js' %}",
  "{% static 'approvals/icon.svg' %}",
  "{% static 'approvals/icon-192.png' %}",
  "/offline/"
];
self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(CACHE).then(function (cache) { return cache.addAll(SHELL); }).then(function () { return self.skipWaiting(); }));
});
self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (keys) {
    return Promise.all(keys.filter(function (k) { return k !== CACHE; }).map(function (k) { return caches.delete(k); }));
  }).then(function () { return self.clients.claim(); }));
});
self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate") {
    // Pages come from the network; only when it fails is the stored offline page shown.
    event.respondWith(fetch(request).catch(function () { return caches.match("/offline/"); }));
    return;
  }
  if (SHELL.indexOf(url.pathname) !== -1) {
    event.respondWith(caches.match(request).then(function (hit) { return hit || fetch(request); }));
  }
});
self.addEventListener("push", function (event) {
  var data = {};
  try { data = event.data ? event.data.json() : {}; } catch (e) { data = {title: event.data.text()}; }
  // Tagged by the item's address: a message the push service delivers again replaces its
  // notification instead of stacking a second one.
  event.waitUntil(self.registration.showNotification(data.title || "Flexwork", {body: data.body || "", tag: data.url || "flexwork", data: {url: data.url || "/approvals/"}, icon: "{% static 'approvals/icon-192.png' %}"}));
});
self.addEventListener("notificationclick", function (event) {
  event.notification.close();
  event.waitUntil(self.clients.openWindow(event.notification.data.url || "/approvals/"));
});
