/* A filter form's Section select follows its Document select at once, with no request.
   The page embeds each document's sections as JSON (<script type="application/json">);
   the document select names that block (data-sections) and the section select
   (data-sections-target). Without this script the form works as before: submit it, and
   the chosen document's sections are listed. */
(function () {
  "use strict";

  function rebuild(documentSelect) {
    var data = document.getElementById(documentSelect.dataset.sections);
    var target = document.getElementById(documentSelect.dataset.sectionsTarget);
    if (!data || !target) { return; }
    var sections = JSON.parse(data.textContent)[documentSelect.value] || [];
    var kept = target.value;
    var first = target.options[0];  // "All" (or "(choose)"): the empty value stays
    while (target.options.length > 1) { target.remove(1); }
    if (target.dataset.allLabel && target.dataset.noneLabel) {
      first.textContent = documentSelect.value ? target.dataset.allLabel : target.dataset.noneLabel;
    }
    sections.forEach(function (pair) {
      var option = new Option(pair[1], pair[0]);
      target.add(option);
    });
    // The section chosen before stays chosen if the new document has it.
    target.value = sections.some(function (pair) { return pair[0] === kept; }) ? kept : "";
  }

  document.querySelectorAll("select[data-sections][data-sections-target]").forEach(function (select) {
    select.addEventListener("change", function () { rebuild(select); });
  });
}());
