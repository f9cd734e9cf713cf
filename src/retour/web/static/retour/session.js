// Warns before the session times out (the server ends idle sessions after
// RETOUR_SESSION_SECONDS) and offers to stay signed in.
(function () {
  "use strict";
  var body = document.body;
  var seconds = parseInt(body.getAttribute("data-session-seconds") || "0", 10);
  var warning = document.getElementById("session-warning");
  if (!seconds || !warning) { return; }
  var warnBefore = Math.min(120, Math.floor(seconds / 4));
  var timer;
  function arm() {
    window.clearTimeout(timer);
    warning.hidden = true;
    timer = window.setTimeout(function () {
      warning.hidden = false;
      var button = warning.querySelector("button");
      if (button) { button.focus(); }
    }, (seconds - warnBefore) * 1000);
  }
  warning.addEventListener("submit", function (event) {
    event.preventDefault();
    fetch(warning.getAttribute("action"), { credentials: "same-origin" }).then(arm);
  });
  document.addEventListener("htmx:afterRequest", arm);
  arm();
})();
