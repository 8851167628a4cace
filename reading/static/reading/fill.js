// "Fill in from the screenshot" without reloading the page: post the form's current
// values to reading:fill and put what comes back into the empty fields. Without
// script the same button submits the form and the server fills them (reading.fill).
(function () {
  "use strict";

  var button = document.querySelector("button[name=action][value=fill]");
  var notice = document.getElementById("filled-notice-live");
  if (!button || !notice || !window.fetch || !window.FormData) return;
  var form = button.form;
  var url = button.getAttribute("data-fill-url");
  var tries = 0;
  var offer = document.getElementById("screenshot-fill");
  var files = form.elements.evidence_files;

  function attached() {
    return !!(files && files.files && files.files.length);
  }

  // Offered as soon as a screenshot is attached (chosen, pasted or dropped: evidence.js
  // puts each into the file input and fires its change), not only once one is accepted.
  if (files) {
    files.addEventListener("change", function () {
      if (attached()) offer.hidden = false;
    });
    if (attached()) offer.hidden = false;
  }

  // A field filled from the screenshot loses the error of the last submit (it no longer
  // holds what was refused) and says, next to it, that it is to be checked.
  function markToCheck(field) {
    var holder = field.closest(".mb-3") || field.parentElement;
    field.classList.remove("is-invalid");
    field.removeAttribute("aria-invalid");
    holder.querySelectorAll(".invalid-feedback").forEach(function (error) {
      error.remove();
    });
    if (holder.querySelector(".filled-note")) return;
    var note = document.createElement("div");
    note.className = "form-text filled-note";
    note.id = field.id + "-filled-note";
    note.textContent = button.getAttribute("data-check-label");
    field.insertAdjacentElement("afterend", note);
    var described = field.getAttribute("aria-describedby");
    field.setAttribute("aria-describedby", (described ? described + " " : "") + note.id);
  }

  function show(text) {
    notice.textContent = text;
    notice.hidden = false;
  }

  function ask() {
    var data = new FormData(form);
    data.delete("evidence_files"); // nothing is uploaded from here
    data.delete("action");
    return fetch(url, { method: "POST", body: data, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.json();
      })
      .then(function (result) {
        Object.keys(result.filled).forEach(function (name) {
          var field = form.elements[name];
          if (!field) return;
          field.value = result.filled[name];
          field.classList.add("filled-from-screenshot");
          markToCheck(field);
          field.dispatchEvent(new Event("change", { bubbles: true }));
        });
        show(result.message);
        // Still being read on the ocr queue: ask again, for up to a minute.
        if (result.still_reading && ++tries < 30) window.setTimeout(ask, 2000);
        else button.disabled = false;
      });
  }

  button.addEventListener("click", function (event) {
    // A screenshot just attached is not on the server yet: the normal submit uploads it
    // and the server fills from it (or says it is still being read).
    if (attached()) return;
    event.preventDefault();
    button.disabled = true;
    tries = 0;
    ask().catch(function () {
      // The endpoint failed: fall back to the no-script path (a normal submit).
      button.disabled = false;
      form.requestSubmit(button);
    });
  });
})();
