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

  // "Add choice" adds the row in place rather than sending the form: a copy of the last
  // row, emptied and renumbered, and the focus moves to its text box. Without this script
  // the button sends the form and the server returns it one row longer.
  function renumber(value, index) {
    return value.replace(/choices-\d+-/g, "choices-" + index + "-")
      .replace(/correct-\d+$/, "correct-" + index);
  }
  function addChoice(list, event) {
    var rows = list.querySelectorAll(".choice-row");
    if (!rows.length) { return; }
    event.preventDefault();
    var last = rows[rows.length - 1];
    var row = last.cloneNode(true);
    var index = rows.length;
    Array.prototype.forEach.call(row.querySelectorAll(".field > .error"), function (p) {
      p.parentNode.removeChild(p);
    });
    Array.prototype.forEach.call(row.querySelectorAll(".has-error"), function (el) {
      el.classList.remove("has-error");
    });
    Array.prototype.forEach.call(row.querySelectorAll("[id], [for], [name]"), function (el) {
      ["id", "for", "name"].forEach(function (name) {
        if (el.hasAttribute(name)) {
          el.setAttribute(name, renumber(el.getAttribute(name), index));
        }
      });
    });
    Array.prototype.forEach.call(row.querySelectorAll("input"), function (input) {
      input.removeAttribute("autofocus");
      if (input.type === "radio") {
        input.checked = false;
        input.value = String(index);
      } else {
        input.value = "";
        input.removeAttribute("aria-invalid");
        var described = (input.getAttribute("aria-describedby") || "").split(" ")
          .filter(function (id) { return id && !/-error$/.test(id); });
        if (described.length) {
          input.setAttribute("aria-describedby", described.join(" "));
        } else {
          input.removeAttribute("aria-describedby");
        }
      }
    });
    row.querySelector("legend").textContent = "Choice " + (index + 1);
    var hidden = row.querySelector(".correct-choice .visually-hidden");
    if (hidden) { hidden.textContent = "Choice " + (index + 1) + " is the "; }
    last.parentNode.insertBefore(row, last.nextSibling);
    var text = row.querySelector("input[type=text]");
    if (text) { text.focus(); }
  }

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("[data-quote-check]"), setup);
    Array.prototype.forEach.call(document.querySelectorAll("[data-choice-rows]"), function (list) {
      var button = list.querySelector("button[name=add_choice]");
      if (!button) { return; }
      button.addEventListener("click", function (e) {
        // Enter in a text box "clicks" the form's first button, which this one is: the
        // author meant to save, as on every other form, not to add a row.
        var save = button.form.querySelector("button[name=action][value=save]");
        if (e.detail === 0 && document.activeElement !== button && save) {
          e.preventDefault();
          button.form.requestSubmit(save);
          return;
        }
        addChoice(list, e);
      });
    });
  });
})();
