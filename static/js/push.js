// Web push on the settings page: subscribe this browser through the site's service worker
// (/sw.js, which shows the notifications), send the subscription to the server, or take it back.
(function () {
  "use strict";
  var button = document.getElementById("push-toggle");
  if (!button) return;
  var status = document.getElementById("push-status");

  function say(text) { if (status) status.textContent = text || ""; }

  function csrfToken() {
    var field = document.querySelector("input[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  }

  // The VAPID public key is base64url; the push manager wants its raw bytes.
  function keyBytes(base64url) {
    var padded = (base64url + "===".slice((base64url.length + 3) % 4)).replace(/-/g, "+").replace(/_/g, "/");
    var raw = window.atob(padded);
    var bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
    return bytes;
  }

  function post(url, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: {"Content-Type": "application/json", "X-CSRFToken": csrfToken()},
      body: JSON.stringify(body)
    }).then(function (response) {
      if (response.ok) return response;
      return response.text().then(function (text) { throw new Error(text || response.statusText); });
    });
  }

  function show(subscribed) {
    button.dataset.subscribed = subscribed ? "true" : "false";
    button.textContent = subscribed ? button.dataset.offLabel : button.dataset.onLabel;
    button.disabled = false;
  }

  if (!("serviceWorker" in navigator) || !("PushManager" in window) || !window.isSecureContext) {
    button.disabled = true;
    say(button.dataset.unsupported);
    return;
  }

  var ready = navigator.serviceWorker.register("/sw.js", {scope: "/"}).then(function () {
    return navigator.serviceWorker.ready;
  });

  ready.then(function (registration) {
    return registration.pushManager.getSubscription();
  }).then(function (subscription) { show(Boolean(subscription)); }).catch(function () { show(false); });

  function subscribe(registration) {
    return Notification.requestPermission().then(function (permission) {
      if (permission !== "granted") throw new Error(button.dataset.denied);
      return registration.pushManager.subscribe({
        userVisibleOnly: true,
        applicationServerKey: keyBytes(button.dataset.key)
      });
    }).then(function (subscription) {
      return post(button.dataset.subscribeUrl, subscription.toJSON()).catch(function (error) {
        // The server refused it: do not leave a subscription nobody will ever send to.
        return subscription.unsubscribe().then(function () { throw error; });
      });
    }).then(function () { show(true); say(button.dataset.onDone); });
  }

  function unsubscribe(registration) {
    return registration.pushManager.getSubscription().then(function (subscription) {
      if (!subscription) return null;
      return post(button.dataset.unsubscribeUrl, {endpoint: subscription.endpoint}).then(function () {
        return subscription.unsubscribe();
      });
    }).then(function () { show(false); say(button.dataset.offDone); });
  }

  button.addEventListener("click", function () {
    button.disabled = true;
    say("");
    ready.then(function (registration) {
      return button.dataset.subscribed === "true" ? unsubscribe(registration) : subscribe(registration);
    }).catch(function (error) {
      show(button.dataset.subscribed === "true");
      say((error && error.message) || button.dataset.failed);
    });
  });
})();
