// Copy buttons of the escalation packet: <button data-copy-target="id"> copies that element's text.
document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-copy-target]");
  if (!button) return;
  var source = document.getElementById(button.getAttribute("data-copy-target"));
  if (!source || !navigator.clipboard) return;
  navigator.clipboard.writeText(source.innerText).then(function () {
    var original = button.textContent;
    button.textContent = button.getAttribute("data-copied") || "✓";
    setTimeout(function () { button.textContent = original; }, 1500);
  });
});
// The printable timeline's print button.
document.addEventListener("click", function (event) {
  if (event.target.closest("[data-print]")) window.print();
});
