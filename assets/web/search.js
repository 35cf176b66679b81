// The search page without a click on "Apply filters": the facets' box stays open on a wide
// screen and folded on a phone, and ticking a value or choosing an order submits the form.
// Only an enhancement: without this script the button does the same.
(function () {
  var form = document.getElementById("search-form");
  var facets = document.getElementById("search-facets");
  if (!form || !facets) return;
  // Open beside the results on a wide screen; on a phone folded, so the results come first
  // (the ticked values show above them, each with its own remove link).
  facets.open = window.matchMedia("(min-width: 992px)").matches;
  facets.addEventListener("change", function (e) {
    var t = e.target;
    if (t && (t.type === "checkbox" || t.tagName === "SELECT")) form.requestSubmit ? form.requestSubmit() : form.submit();
  });
})();
