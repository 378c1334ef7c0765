// The job page: poll the job's state and show its progress; reload the page, which shows
// the result, once it is finished. Without this script the page's Refresh link does it.
(function () {
  "use strict";
  var box = document.querySelector("[data-job-status]");
  if (!box || !window.fetch) { return; }
  var url = box.getAttribute("data-job-status");
  var state = box.querySelector(".job-state");
  if (state && /job-(done|failed)/.test(state.className)) { return; }
  box.setAttribute("aria-live", "polite");
  var labels = { queued: "Waiting for the worker", running: "Running" };
  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (job) {
        if (!job) { return; }
        if (job.finished) { window.location.replace(job.page); return; }
        state.textContent = labels[job.state] || job.state;
        var count = box.querySelector(".job-count");
        var bar = box.querySelector("progress");
        if (count) { count.textContent = job.done + " of " + job.total; }
        if (bar) { bar.max = job.total; bar.value = job.done; bar.textContent = job.done + " of " + job.total; }
        setTimeout(poll, 1000);
      })
      .catch(function () { setTimeout(poll, 5000); });
  }
  setTimeout(poll, 1000);
})();
