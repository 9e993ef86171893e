// The incoming document page: typing the number of working days shows the deadline they give (counted by the
// server on the receiving unit's calendar: weekends, holidays and approved days off skipped).
(function () {
  var preview = document.getElementById("deadline-preview");
  if (!preview) {
    return;
  }
  var input = document.getElementById(preview.dataset.for);
  if (!input) {
    return;
  }
  var timer = null;
  function show() {
    if (input.value.trim() === "") {
      preview.textContent = "";
      return;
    }
    if (!input.validity.valid) {  // the field's own min, max and whole-number step, before the form is sent
      preview.textContent = preview.dataset.range;
      return;
    }
    ask(Number(input.value), 1);
  }
  function stillAsked(days) {
    return Number(input.value) === days;
  }
  // A failed answer is asked again once; after that the preview says so, never keeps a deadline of other days.
  function ask(days, retries) {
    fetch(preview.dataset.deadlineUrl + "?working_days=" + days, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(String(response.status));
        }
        return response.json();
      })
      .then(function (body) {
        if (!stillAsked(days)) {
          return;  // typed again meanwhile: that answer is on its way
        }
        var parts = body.deadline.split("-");
        preview.textContent = "";
        preview.appendChild(document.createTextNode(preview.dataset.label + " "));
        var strong = document.createElement("strong");
        strong.textContent = parts[2] + "/" + parts[1] + "/" + parts[0];
        preview.appendChild(strong);
      })
      .catch(function () {
        if (retries > 0) {
          setTimeout(function () { ask(days, retries - 1); }, 1000);
        } else if (stillAsked(days)) {
          preview.textContent = preview.dataset.failed;
        }
      });
  }
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(show, 250);
  });
})();
