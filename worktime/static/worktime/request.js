// Show only the fields the chosen kind of arrangement uses; without script every field shows.
(function () {
  "use strict";
  function update() {
    var select = document.getElementById("id_kind");
    if (!select) return;
    var kind = select.value;
    document.querySelectorAll("[data-kinds]").forEach(function (el) {
      el.hidden = el.getAttribute("data-kinds").split(" ").indexOf(kind) === -1;
    });
    document.querySelectorAll("#policies [data-kind]").forEach(function (el) {
      el.hidden = el.getAttribute("data-kind") !== kind;
    });
    var emergency = document.getElementById("id_is_emergency");
    var why = document.getElementById("field-emergency_reason");
    if (emergency && why) why.hidden = !emergency.checked;
  }
  document.addEventListener("DOMContentLoaded", function () {
    update();
    document.addEventListener("change", function (event) {
      if (event.target.id === "id_kind" || event.target.id === "id_is_emergency") update();
      if (event.target.id === "id_center") {
        var center = event.target.value;
        var seat = document.getElementById("id_seat");
        if (!seat) return;
        Array.prototype.forEach.call(seat.options, function (option) {
          option.hidden = Boolean(option.value) && center !== "" && option.dataset.center !== center;
        });
        if (seat.selectedOptions[0] && seat.selectedOptions[0].hidden) seat.value = "";
      }
    });
  });
})();
