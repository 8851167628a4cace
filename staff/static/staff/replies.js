// Reply templates (staff.replies): choosing one puts its text into the form's box at
// once; without this script, the "Use this template" button asks the server instead.
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var select = event.target.closest ? event.target.closest("select[data-fills]") : null;
    if (!select) return;
    var option = select.options[select.selectedIndex];
    var box = document.getElementById(select.getAttribute("data-fills"));
    if (box && option && option.hasAttribute("data-body")) {
      box.value = option.getAttribute("data-body");
      box.focus();
    }
  });
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".staff-use-template").forEach(function (button) {
      button.hidden = true;
    });
  });
})();
