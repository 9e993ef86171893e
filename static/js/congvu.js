// Page behaviour without inline handlers, so that the Content-Security-Policy forbids every inline script.
// <select data-submit-on-change> sends its form when changed; <select data-fill="id"> copies the chosen value into
// the field with that id (answer templates).
document.addEventListener("change", function (event) {
  var field = event.target;
  if (field.matches("[data-submit-on-change]") && field.form) {
    field.form.submit();
  } else if (field.matches("[data-fill]")) {
    var target = document.getElementById(field.dataset.fill);
    if (target) {
      target.value = field.value;
    }
  }
});

// <form data-confirm="question">: an irreversible action (refuse, withdraw, return, sign) asks before it is sent.
document.addEventListener("submit", function (event) {
  var form = event.target;
  if (form.matches("form[data-confirm]") && !window.confirm(form.dataset.confirm)) {
    event.preventDefault();
  }
});

// <button data-confirm-button="question">: the same, for one of several submit buttons of a form.
document.addEventListener("click", function (event) {
  var button = event.target.closest("button[data-confirm-button]");
  if (button && !window.confirm(button.dataset.confirmButton)) {
    event.preventDefault();
  }
});

// <input type="file" data-max-size="bytes" data-size-message="…">: a file over the limit is refused before it is
// sent (the server checks again); the message appears under the field and the field is emptied.
document.addEventListener("change", function (event) {
  var input = event.target;
  if (!input.matches("input[type=file][data-max-size]")) {
    return;
  }
  var limit = parseInt(input.dataset.maxSize, 10);
  var tooBig = Array.prototype.some.call(input.files || [], function (file) {
    return file.size > limit;
  });
  var note = input.parentNode.querySelector("[data-size-error]");
  if (tooBig) {
    if (!note) {
      note = document.createElement("div");
      note.className = "text-danger small";
      note.setAttribute("data-size-error", "");
      note.setAttribute("role", "alert");
      note.id = (input.id || "file") + "-size-error";
      input.insertAdjacentElement("afterend", note);
    }
    note.textContent = input.dataset.sizeMessage || "";
    input.setAttribute("aria-invalid", "true");
    input.setAttribute("aria-describedby", note.id);
    input.value = "";
  } else if (note) {
    note.remove();
    input.removeAttribute("aria-invalid");
  }
});

// The error summary of a form sent back (GOV.UK pattern) takes the focus, so that it is read out first.
document.addEventListener("DOMContentLoaded", function () {
  var summary = document.querySelector("[data-error-summary]");
  if (summary) {
    summary.focus();
  }
});
