// Drop a sheet on the upload form: the file goes into the input and the form is sent.
document.querySelectorAll("[data-rpa-drop]").forEach(function (form) {
  var input = form.querySelector('input[type="file"]');
  ["dragenter", "dragover"].forEach(function (name) {
    form.addEventListener(name, function (event) {
      event.preventDefault();
      form.classList.add("is-over");
    });
  });
  ["dragleave", "drop"].forEach(function (name) {
    form.addEventListener(name, function () { form.classList.remove("is-over"); });
  });
  form.addEventListener("drop", function (event) {
    event.preventDefault();
    if (!event.dataTransfer || !event.dataTransfer.files.length) { return; }
    input.files = event.dataTransfer.files;
    form.requestSubmit();
  });
});
