// The evidence area: add images by pasting or dropping them, preview them, and follow
// the background check of images already sent. The server path does not change:
// pasted and dropped files go into the form's own file input, so the form posts
// exactly what the file button would have, and everything works without this script.
(function () {
  "use strict";

  // --- Images already sent: "being checked" until the worker is done. ---------------

  // Ask often at first (a screenshot is usually ready within a second or two), then
  // less, and give up after about three minutes: a reload shows the outcome anyway.
  function delayFor(attempt) { return Math.min(1000 + attempt * 500, 5000); }
  var MAX_ATTEMPTS = 45;

  function showReady(placeholder, status) {
    var link = document.createElement("a");
    link.href = status.url;
    link.target = "_blank";
    link.rel = "noopener";
    var img = document.createElement("img");
    img.className = "evidence-thumb";
    img.src = status.thumbnail;
    img.alt = placeholder.getAttribute("data-name") || "";
    link.appendChild(img);
    placeholder.replaceWith(link);
  }

  function showRejected(placeholder, status) {
    var box = document.createElement("div");
    box.className = "evidence-thumb evidence-rejected small text-danger p-2";
    box.setAttribute("role", "alert");
    box.textContent = status.message;
    placeholder.replaceWith(box);
  }

  function follow(placeholder, attempt) {
    window.setTimeout(function () {
      fetch(placeholder.getAttribute("data-status-url"), { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (status) {
          if (!status) return;  // not ours, or gone: leave the placeholder as it is
          if (status.state === "ready") showReady(placeholder, status);
          else if (status.state === "rejected") showRejected(placeholder, status);
          else if (attempt < MAX_ATTEMPTS) follow(placeholder, attempt + 1);
        })
        .catch(function () { if (attempt < MAX_ATTEMPTS) follow(placeholder, attempt + 1); });
    }, delayFor(attempt));
  }

  document.querySelectorAll("[data-status-url]").forEach(function (placeholder) { follow(placeholder, 0); });

  // --- Adding images: the file button, pasting, dropping. --------------------------

  var areas = document.querySelectorAll("[data-evidence-drop]");
  if (!areas.length || typeof DataTransfer === "undefined") return;

  function pad(number) { return String(number).padStart(2, "0"); }

  // Every browser calls a pasted screenshot "image.png": give each its own name, so
  // the consumer (and the complaint's timeline) can tell them apart.
  function named(file, index, prefix) {
    if (file.name && file.name !== "image.png") return file;
    var now = new Date();
    var stamp = now.getFullYear() + pad(now.getMonth() + 1) + pad(now.getDate()) + "-" +
      pad(now.getHours()) + pad(now.getMinutes()) + pad(now.getSeconds());
    var extension = (file.type.split("/")[1] || "png").replace("jpeg", "jpg");
    var name = prefix + "-" + stamp + (index ? "-" + (index + 1) : "") + "." + extension;
    return new File([file], name, { type: file.type, lastModified: now.getTime() });
  }

  // Browsers can draw these; an iPhone HEIC is shown by its name only.
  var DRAWABLE = /^image\/(png|jpeg|webp|gif)$/;

  areas.forEach(function (area) {
    var input = area.querySelector("input[type=file]");
    var preview = area.querySelector("[data-evidence-preview]");
    var hint = area.querySelector("[data-evidence-hint]");
    if (!input) return;
    if (hint) hint.hidden = false;
    var objectUrls = [];

    function replaceFiles(files) {
      var list = new DataTransfer();
      files.forEach(function (file) { list.items.add(file); });
      input.files = list.files;
      input.dispatchEvent(new Event("change", { bubbles: true }));
    }

    function add(newFiles) {
      var prefix = area.getAttribute("data-paste-name") || "screenshot";
      var files = Array.prototype.slice.call(input.files);
      Array.prototype.forEach.call(newFiles, function (file, index) { files.push(named(file, index, prefix)); });
      replaceFiles(files);
    }

    function render() {
      if (!preview) return;
      objectUrls.forEach(function (url) { URL.revokeObjectURL(url); });
      objectUrls = [];
      preview.replaceChildren();
      Array.prototype.forEach.call(input.files, function (file, index) {
        var figure = document.createElement("figure");
        figure.className = "mb-0 text-center evidence-chosen";
        var picture;
        if (DRAWABLE.test(file.type)) {
          picture = document.createElement("img");
          var url = URL.createObjectURL(file);
          objectUrls.push(url);
          picture.src = url;
          picture.alt = "";
        } else {
          picture = document.createElement("div");
          picture.textContent = (file.name.split(".").pop() || "").toUpperCase();
        }
        picture.className = "evidence-thumb evidence-pending";
        figure.appendChild(picture);
        var caption = document.createElement("figcaption");
        caption.className = "small text-muted text-truncate";
        caption.title = file.name;
        caption.textContent = file.name;
        figure.appendChild(caption);
        var remove = document.createElement("button");
        remove.type = "button";
        remove.className = "btn btn-link btn-sm p-0";
        remove.textContent = area.getAttribute("data-remove-label") || "Remove";
        var who = document.createElement("span");
        who.className = "visually-hidden";
        who.textContent = " " + file.name;
        remove.appendChild(who);
        remove.addEventListener("click", function () {
          replaceFiles(Array.prototype.filter.call(input.files, function (_, i) { return i !== index; }));
          input.focus();
        });
        figure.appendChild(remove);
        preview.appendChild(figure);
      });
    }

    input.addEventListener("change", render);

    area.addEventListener("dragover", function (event) {
      if (!event.dataTransfer || Array.prototype.indexOf.call(event.dataTransfer.types, "Files") < 0) return;
      event.preventDefault();
      event.dataTransfer.dropEffect = "copy";
      area.classList.add("evidence-drop-over");
    });
    area.addEventListener("dragleave", function () { area.classList.remove("evidence-drop-over"); });
    area.addEventListener("drop", function (event) {
      area.classList.remove("evidence-drop-over");
      if (!event.dataTransfer || !event.dataTransfer.files.length) return;
      event.preventDefault();
      add(event.dataTransfer.files);
    });

    // A paste anywhere on the page adds its files to the one evidence area there
    // (text pastes carry no files and are left alone).
    if (areas.length === 1) {
      document.addEventListener("paste", function (event) {
        var files = event.clipboardData && event.clipboardData.files;
        if (!files || !files.length) return;
        event.preventDefault();
        add(files);
        area.scrollIntoView({ block: "nearest" });
      });
    }

    render();  // files kept by the browser on "back"
  });
})();
