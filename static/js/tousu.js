// Small progressive enhancements; every page works without them.
(function () {
  "use strict";

  // The complaint form: show the evidence tips and the order-number example for
  // the chosen category and platform.
  function readJson(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }

  var tips = readJson("evidence-tips-data");
  var examples = readJson("order-examples-data");
  var recipients = readJson("consent-recipients-data");
  var category = document.getElementById("id_category");
  var platform = document.getElementById("id_platform");
  var tipsList = document.getElementById("evidence-tips");
  var example = document.getElementById("order-example");

  function showTips() {
    if (!tips || !category || !tipsList) return;
    tipsList.replaceChildren();
    (tips[category.value] || []).forEach(function (text) {
      var li = document.createElement("li");
      li.textContent = text;
      tipsList.appendChild(li);
    });
  }

  function showExample() {
    if (!examples || !platform || !example) return;
    example.textContent = examples[platform.value] || "";
    example.parentElement.hidden = !examples[platform.value];
    // Only the chosen platform's contacts and deadlines beside the form.
    document.querySelectorAll(".platform-aside").forEach(function (aside) {
      aside.hidden = aside.getAttribute("data-platform") !== platform.value;
    });
  }

  // A consent names the recipient picked (PIPL art. 23): the platform on the complaint
  // form, the body on the escalation form.
  var bodies = document.querySelectorAll("input[name=body][type=radio]");
  function showConsentRecipient() {
    var checked = document.querySelector("input[name=body][type=radio]:checked");
    var chosen = platform ? platform.value : checked && checked.value;
    if (!recipients || !recipients[chosen]) return;
    document.querySelectorAll(".consent-recipient").forEach(function (node) {
      node.textContent = recipients[chosen][0];
    });
    document.querySelectorAll(".consent-contact").forEach(function (node) {
      node.textContent = recipients[chosen][1];
    });
  }
  bodies.forEach(function (radio) { radio.addEventListener("change", showConsentRecipient); });
  if (bodies.length) showConsentRecipient();

  if (category) { category.addEventListener("change", showTips); showTips(); }
  if (platform) {
    platform.addEventListener("change", showExample);
    platform.addEventListener("change", showConsentRecipient);
    showExample();
    showConsentRecipient();
  }

  // After a failed submit, focus goes to the list of errors, so it is read first; each
  // link puts the cursor in its field (a plain jump to the id would only scroll).
  var summary = document.getElementById("error-summary");
  if (summary) {
    summary.focus();
    summary.querySelectorAll("a[href^='#']").forEach(function (link) {
      link.addEventListener("click", function (event) {
        var field = document.getElementById(link.getAttribute("href").slice(1));
        if (!field) return;
        event.preventDefault();
        var label = document.querySelector("label[for='" + field.id + "']");
        (label || field).scrollIntoView({ block: "center" });
        field.focus({ preventScroll: true });
      });
    });
  }

  // The phone menu is the only Bootstrap behaviour our pages use, so these lines stand in
  // for Bootstrap's 80 KB script bundle: Bootstrap's CSS hides `.collapse` until `.show`.
  // It closes on Escape, and focus goes back to the button that opened it.
  var menu = document.getElementById("nav");
  var menuButton = document.querySelector(".navbar-toggler[aria-controls='nav']");
  function setMenuOpen(open) {
    menu.classList.toggle("show", open);
    menuButton.setAttribute("aria-expanded", open ? "true" : "false");
  }
  if (menu && menuButton) {
    menuButton.addEventListener("click", function () {
      setMenuOpen(!menu.classList.contains("show"));
    });
    document.addEventListener("keydown", function (event) {
      if (event.key !== "Escape" || !menu.classList.contains("show")) return;
      setMenuOpen(false);
      menuButton.focus();
    });
  }

  // Buttons that ask before doing something that cannot be undone.
  document.querySelectorAll("[data-confirm]").forEach(function (button) {
    button.addEventListener("click", function (event) {
      if (!window.confirm(button.getAttribute("data-confirm"))) event.preventDefault();
    });
  });
})();
