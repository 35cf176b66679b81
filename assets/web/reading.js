// Reading progress, as an enhancement of the "Mark as read" buttons: a part of the practice
// page (an element with data-part) counts as read once it has been scrolled through (its end
// came into view after its start had), a document once its link is opened, a picture or a
// video once scrolled through like a section. Each part is
// posted once, with the session's CSRF token, to the same endpoint the buttons use; the post
// outlives the page (keepalive), so opening a document in the same tab does not cancel it.
(function () {
  "use strict";
  var box = document.getElementById("prassi-reading");
  if (!box || !window.fetch) { return; }
  var endpoint = box.getAttribute("data-endpoint");
  var csrf = box.getAttribute("data-csrf");
  var left = (box.getAttribute("data-left") || "").split(" ").filter(Boolean);
  var sent = {};

  function post(part) {
    if (sent[part] || left.indexOf(part) < 0) { return; }
    sent[part] = true;
    var body = new URLSearchParams();
    body.set("part", part);
    body.set("csrf", csrf);
    body.set("js", "1");
    // A redirection (the session ended: to the log-in page) is not a success.
    fetch(endpoint, { method: "POST", body: body, credentials: "same-origin", keepalive: true,
      redirect: "manual" })
      .then(function (r) {
        if (r.ok) { note("data-counted", part); } else { sent[part] = false; note("data-refused", part + ":" + r.status); }
      })
      .catch(function (e) { sent[part] = false; note("data-refused", part + ":" + e); });
  }

  // What this page has counted or had refused, on the hidden box (for a look in the tools).
  function note(name, what) {
    box.setAttribute(name, ((box.getAttribute(name) || "") + " " + what).trim());
  }

  // A document is read by opening it; everything else by scrolling through it.
  function opened(el) {
    return el.getAttribute("data-part").indexOf("attachment:") === 0 && el.querySelector("a");
  }
  var parts = document.querySelectorAll("[data-part]");
  Array.prototype.forEach.call(parts, function (el) {
    var part = el.getAttribute("data-part");
    if (opened(el)) {
      el.addEventListener("click", function (e) {
        if (e.target.closest("a")) { post(part); }
      });
    }
  });

  if (!("IntersectionObserver" in window)) { return; }
  // The end of each part: a marker appended to it, seen after the part's start was.
  var started = {};
  var startSeen = new IntersectionObserver(function (entries) {
    entries.forEach(function (e) {
      if (e.isIntersecting) { started[e.target.getAttribute("data-part")] = true; }
    });
  });
  var endSeen = new IntersectionObserver(function (entries) {
    entries.forEach(function (e) {
      var part = e.target.getAttribute("data-end-of");
      if (e.isIntersecting && started[part]) { post(part); }
    });
  });
  Array.prototype.forEach.call(parts, function (el) {
    var part = el.getAttribute("data-part");
    if (opened(el)) { return; }
    var end = document.createElement("span");
    end.setAttribute("data-end-of", part);
    end.setAttribute("aria-hidden", "true");
    el.appendChild(end);
    startSeen.observe(el);
    endSeen.observe(end);
  });
  box.setAttribute("data-watching", "");
})();
