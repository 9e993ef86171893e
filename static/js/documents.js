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
    var days = parseInt(input.value, 10);
    if (!(days >= 1 && days <= 180)) {
      preview.textContent = "";
      return;
    }
    fetch(preview.dataset.deadlineUrl + "?working_days=" + days, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (body) {
        if (!body) {
          return;
        }
        var parts = body.deadline.split("-");
        preview.textContent = "";
        preview.appendChild(document.createTextNode(preview.dataset.label + " "));
        var strong = document.createElement("strong");
        strong.textContent = parts[2] + "/" + parts[1] + "/" + parts[0];
        preview.appendChild(strong);
      });
  }
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(show, 250);
  });
})();
