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
