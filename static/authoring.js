// Authoring pages: show the chosen paragraph's text and check the evidence quote as it is
// typed. Without this script the server shows and checks both on preview and save.
(function () {
  "use strict";
  function setup(box) {
    var url = box.getAttribute("data-quote-check");
    var select = box.querySelector("select");
    var quote = box.querySelector("textarea");
    var status = box.querySelector(".quote-status");
    var shown = box.querySelector(".paragraph-text");
    if (!url || !select || !quote || !status || !shown) { return; }
    var timer = null;
    function check() {
      var query = "?paragraph=" + encodeURIComponent(select.value) +
        "&quote=" + encodeURIComponent(quote.value);
      fetch(url + query, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (result) {
          if (!result) { return; }
          shown.hidden = !result.text;
          shown.querySelector("p").textContent = result.text;
          status.textContent = result.message;
          status.className = "quote-status" + (quote.value.trim() ?
            (result.found ? " found" : " not-found") : "");
        })
        .catch(function () { status.textContent = ""; });
    }
    function later() { clearTimeout(timer); timer = setTimeout(check, 400); }
    select.addEventListener("change", check);
    quote.addEventListener("input", later);
  }
  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("[data-quote-check]"), setup);
  });
})();
