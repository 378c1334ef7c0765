/* Cited Quiz: enhancements only. Every page works without this file.
 *
 * 1. Background save: on the attempt page, changing an answer or its flag saves it at once
 *    (go=stay), a typed answer once typing pauses, and a polite live region says so.
 * 2. Ordering: "Move up" and "Move down" buttons beside each item; the position selects
 *    follow the list, so the form sends the same fields as without scripts.
 * 3. Times written in UTC (<time data-local-time>) are shown in the reader's time zone.
 * 4. Time limits: a countdown from the seconds the server said were left, warnings at 5 and
 *    1 minutes, and at the deadline the answer on the page is saved and the attempt
 *    submitted. The server stays the authority: it refuses late saves and closes late
 *    attempts whether or not this runs.
 */
(function () {
  "use strict";

  var status = document.getElementById("save-status");
  var note = "";  // said together with the next save, so one message is not cut by another

  function announce(text) {
    if (!status) return;
    // Emptying first makes a repeated message (a second "Answer saved") be read again.
    status.textContent = "";
    window.setTimeout(function () { status.textContent = text; }, 50);
  }

  function hasAnswer(section) {
    var fields = section.querySelectorAll("input, select");
    for (var i = 0; i < fields.length; i++) {
      var f = fields[i];
      if ((f.type === "radio" || f.type === "checkbox") ? f.checked : f.value.trim() !== "") {
        return true;
      }
    }
    return false;
  }

  function autosave(form) {
    var seq = form.querySelector("input[name=seq]");
    var answeredText = document.getElementById("answered-text");
    var bar = document.querySelector(".progress progress");
    var slot = form.querySelector(".question-nav [aria-current]");
    var section = form.querySelector(".question");
    var flag = form.querySelector("input[name=flag]");
    var queue = Promise.resolve();  // one save at a time, in the order of the changes
    var pending = 0;
    var closed = false;

    function send() {
      if (closed) return Promise.resolve();
      var said = note;  // what a move said; a later move may replace it while this save runs
      var data = new FormData(form);
      data.set("go", "stay");
      data.set("seq", seq.value);
      return fetch(form.action, {
        method: "POST", body: data, credentials: "same-origin",
        headers: { "Accept": "application/json" }
      }).then(function (response) {
        return response.json().then(function (body) { return [response, body]; });
      }).then(function (result) {
        var response = result[0], body = result[1];
        if (response.ok && body.saved) {
          seq.value = body.sequence;
          var progress = body.answered + " of " + body.total + " answered";
          if (answeredText) answeredText.textContent = progress;
          if (bar) { bar.value = body.answered; bar.textContent = body.answered + " of " + body.total; }
          if (slot) {
            var answered = hasAnswer(section);
            var flagged = flag ? flag.checked : false;
            slot.classList.toggle("answered", answered);
            slot.classList.toggle("flagged", flagged);
            slot.setAttribute("aria-label", "Question " + slot.value +
              (answered ? ", answered" : ", not answered") + (flagged ? ", flagged" : ""));
          }
          announce((said ? said + " " : "") + "Answer saved. " + progress + ".");
        } else if (body.finished) {
          closed = true;
          announce(body.reason === "time up"
            ? "Time is up: this answer was not saved. Your attempt was submitted with the " +
              "answers saved before the deadline; its review shows your score."
            : "This attempt has been submitted, so answers can no longer change. " +
              "Its review shows your score.");
        } else {
          announce("This answer was changed in another window since this page was loaded, " +
                   "so your change was not saved. Reload the page to see the latest answer.");
        }
      }).catch(function () {
        announce("Your answer could not be saved in the background. It is saved when you " +
                 "move to another question.");
      }).then(function () { if (note === said) note = ""; });
    }

    function save() {
      pending += 1;
      queue = queue.then(send).then(function () { pending -= 1; });
    }

    var typing = 0;  // the timer of a save waiting for the learner to pause typing
    form.addEventListener("change", function (event) {
      if (typing) { window.clearTimeout(typing); typing = 0; }
      if (event.target.closest(".question") || event.target === flag) save();
    });
    // Typing saves too, once the learner pauses, so a reload never loses a typed answer.
    form.addEventListener("input", function (event) {
      var field = event.target;
      if (!field.closest(".question") || field.tagName !== "INPUT" ||
          !/^(text|search|number)$/.test(field.type)) return;
      window.clearTimeout(typing);
      typing = window.setTimeout(function () { typing = 0; save(); }, 800);
    });
    // For the deadline: save what is on the page now (a typed answer not yet saved).
    form.saveNow = function () { save(); return queue; };
    // A button pressed while a save is on its way waits for it, so its sequence is current.
    form.addEventListener("submit", function (event) {
      if (!pending) return;
      event.preventDefault();
      var submitter = event.submitter;
      queue.then(function () { form.requestSubmit(submitter); });
    });
  }

  function ordering(list) {
    var items = function () { return Array.prototype.slice.call(list.children); };
    var selectOf = function (li) { return li.querySelector("select"); };
    var nameOf = function (li) { return li.querySelector("label").textContent.trim(); };

    // The hint the list's fieldset names (its id carries a prefix where a page asks several).
    var fieldset = list.closest("fieldset");
    var state = fieldset && document.getElementById(fieldset.getAttribute("aria-describedby"));

    function refresh() {
      var all = items();
      all.forEach(function (li, i) {
        li.querySelector(".move-up").setAttribute("aria-disabled", String(i === 0));
        li.querySelector(".move-down").setAttribute("aria-disabled", String(i === all.length - 1));
      });
      if (!state) return;
      var placed = all.filter(function (li) { return selectOf(li).value; }).length;
      state.textContent = placed === all.length
        ? "Answered: every item has a position."
        : "Not answered yet: " + placed + " of " + all.length + " items have a position. " +
          "The question counts as answered once every item has one.";
    }

    function complete() {
      var values = items().map(function (li) { return selectOf(li).value; }).sort();
      return values.every(function (v, i) { return v === String(i + 1); });
    }

    // Shows the list in the order of its positions, keeping focus where it was.
    function sortByPositions() {
      var focused = document.activeElement;
      items().sort(function (a, b) { return selectOf(a).value - selectOf(b).value; })
        .forEach(function (li) { list.appendChild(li); });
      if (focused && list.contains(focused)) focused.focus();
      refresh();
    }

    function move(li, button, step) {
      var all = items();
      var index = all.indexOf(li);
      var target = index + step;
      if (target < 0 || target >= all.length) {
        announce(nameOf(li) + " is already " + (step < 0 ? "first." : "last."));
        return;
      }
      list.insertBefore(li, step < 0 ? all[target] : all[target].nextSibling);
      button.focus();  // moving the item took focus away from its button
      items().forEach(function (item, i) {
        selectOf(item).value = selectOf(item).dataset.previous = String(i + 1);
      });
      refresh();
      note = nameOf(li) + " moved to position " + (target + 1) + " of " + all.length + ".";
      announce(note);
      selectOf(li).dispatchEvent(new Event("change", { bubbles: true }));
    }

    function button(li, text, className, step) {
      var b = document.createElement("button");
      b.type = "button";
      b.className = className;
      b.textContent = text;
      b.setAttribute("aria-label", text + ": " + nameOf(li));
      b.addEventListener("click", function () { move(li, b, step); });
      return b;
    }

    items().forEach(function (li) {
      // The select and its buttons share a row where there is room for them.
      var select = selectOf(li);
      var row = document.createElement("div");
      row.className = "order-row";
      li.insertBefore(row, select);
      row.appendChild(select);
      var buttons = document.createElement("span");
      buttons.className = "move-buttons";
      buttons.appendChild(button(li, "Move up", "move-up", -1));
      buttons.appendChild(button(li, "Move down", "move-down", 1));
      row.appendChild(buttons);
      select.dataset.previous = select.value;
      select.addEventListener("change", function (event) {
        if (!event.isTrusted) return;  // our own change, after a move
        // Positions stay a permutation: the item that had this position takes the old one.
        items().forEach(function (other) {
          var s = selectOf(other);
          if (s !== select && s.value && s.value === select.value) {
            s.value = select.dataset.previous;
            s.dataset.previous = s.value;
          }
        });
        select.dataset.previous = select.value;
        if (complete()) sortByPositions();
        else refresh();
      });
    });
    var hint = document.createElement("p");
    hint.className = "hint";
    hint.textContent = "Or move the items with their Move up and Move down buttons: " +
      "the positions follow the list.";
    list.parentNode.insertBefore(hint, list);
    refresh();
  }

  function localTime(element) {
    var when = new Date(element.getAttribute("datetime"));
    if (isNaN(when.getTime())) return;
    element.title = element.textContent;  // the UTC time, as written on the server
    element.textContent = when.toLocaleString([], {
      year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit",
      timeZoneName: "short"
    });
  }

  function clock(seconds) {
    var h = Math.floor(seconds / 3600), m = Math.floor(seconds / 60) % 60, s = seconds % 60;
    var two = function (n) { return (n < 10 ? "0" : "") + n; };
    return (h ? h + ":" + two(m) : String(m)) + ":" + two(s);
  }

  function countdown(box) {
    var left = parseInt(box.getAttribute("data-remaining"), 10);
    if (isNaN(left)) return;
    // A monotonic clock: changing the computer's time does not move the deadline.
    var ends = performance.now() + left * 1000;
    var timer = box.querySelector("[data-countdown]");
    var warning = box.querySelector("[data-time-warning]");
    var warned = Infinity;  // the last threshold warned about
    var submitting = false;
    box.querySelector(".countdown").hidden = false;

    function warn(seconds) {
      [60, 300].forEach(function (mark) {
        if (seconds <= mark && warned > mark) {
          warned = mark;
          box.classList.add("deadline-near");
          warning.textContent = (mark === 60 ? "Less than 1 minute" : "Less than 5 minutes") +
            " left. At the deadline the answers saved so far are submitted.";
        }
      });
    }

    function submit() {
      submitting = true;
      box.classList.add("time-up");
      warning.textContent = "Time is up. Saving this answer and submitting your attempt…";
      var form = document.querySelector("form[data-autosave]");
      var saved = form && form.saveNow ? form.saveNow() : Promise.resolve();
      saved.then(function () {
        var post = document.createElement("form");
        post.method = "post";
        post.action = box.getAttribute("data-submit");
        [["csrf_token", document.querySelector("input[name=csrf_token]").value],
         ["auto", "1"]].forEach(function (pair) {
          var input = document.createElement("input");
          input.type = "hidden"; input.name = pair[0]; input.value = pair[1];
          post.appendChild(input);
        });
        document.body.appendChild(post);
        post.submit();
      });
    }

    function tick() {
      var seconds = Math.max(0, Math.ceil((ends - performance.now()) / 1000));
      timer.textContent = clock(seconds);
      warn(seconds);
      if (seconds === 0 && !submitting) submit();
      else if (!submitting) window.setTimeout(tick, 250);
    }
    tick();
  }

  Array.prototype.forEach.call(document.querySelectorAll("time[data-local-time]"), localTime);
  Array.prototype.forEach.call(document.querySelectorAll(".deadline[data-remaining]"), countdown);
  Array.prototype.forEach.call(document.querySelectorAll("form[data-autosave]"), autosave);
  Array.prototype.forEach.call(document.querySelectorAll("[data-ordering]"), ordering);
})();
