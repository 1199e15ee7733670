/* The portal's own script. Every page works without it; it only adds what a browser with
   scripts can do better: the phone menu button, and uploads that say what happens (type and
   size checked before sending, with the server's own words; a progress bar; the outcome next to
   the control, announced; several files chosen or dropped at once). Served from /static (CSP
   script-src 'self'). */
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  // The main navigation folds into one button on narrow screens (CSS decides when).
  var nav = document.querySelector(".site-nav");
  if (nav) {
    var lists = nav.querySelector(".site-nav__lists");
    var button = document.createElement("button");
    button.type = "button";
    button.className = "site-nav__toggle";
    button.setAttribute("aria-expanded", "false");
    button.setAttribute("aria-controls", lists.id);
    button.textContent = nav.getAttribute("data-menu-label") || "Menu";
    button.addEventListener("click", function () {
      var open = button.getAttribute("aria-expanded") !== "true";
      button.setAttribute("aria-expanded", open ? "true" : "false");
      nav.classList.toggle("is-open", open);
    });
    nav.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && nav.classList.contains("is-open")) {
        button.click();
        button.focus();
      }
    });
    nav.querySelector(".site-nav__inner").insertBefore(button, lists);
  }

  // --- uploads ---------------------------------------------------------------------------
  function say(box, lines, kind) {
    box.textContent = "";
    lines.forEach(function (line) {
      var p = document.createElement("p");
      p.className = kind;
      p.textContent = line;
      box.appendChild(p);
    });
  }

  function problems(form, files) {
    var types = (form.getAttribute("data-types") || "").split(",");
    var max = parseInt(form.getAttribute("data-max-bytes"), 10);
    var found = [];
    Array.prototype.forEach.call(files, function (file) {
      var dot = file.name.lastIndexOf(".");
      var ext = dot < 0 ? "" : file.name.slice(dot + 1).toLowerCase();
      if (types.indexOf(ext) < 0) {
        found.push(form.getAttribute("data-msg-type"));
      } else if (file.size === 0) {
        found.push(form.getAttribute("data-msg-empty").replace("{name}", file.name));
      } else if (file.size > max) {
        found.push(form.getAttribute("data-msg-size").replace("{name}", file.name));
      }
    });
    return found;
  }

  function refresh(form, box) {
    // The item's list of files as the server now has it (the page again, this item only).
    var item = form.closest("li[id]");
    if (!item) { return; }
    var request = new XMLHttpRequest();
    request.open("GET", window.location.pathname + window.location.search);
    request.responseType = "document";
    request.onload = function () {
      var fresh = request.response && request.response.getElementById(item.id);
      var list = fresh && fresh.querySelector("ul.files");
      var old = item.querySelector("ul.files");
      if (list) {
        if (old) { old.replaceWith(list); } else { form.parentNode.insertBefore(list, form); }
      }
      if (fresh) { item.className = fresh.className; }
    };
    request.send();
  }

  function send(form, files) {
    var box = form.querySelector(".upload-result");
    var input = form.querySelector("input[type=file]");
    var wrong = problems(form, files);
    if (wrong.length) {
      say(box, wrong, "error");
      input.setAttribute("aria-invalid", "true");
      return;
    }
    input.removeAttribute("aria-invalid");
    var data = new FormData();
    data.append("csrf_token", form.querySelector("input[name=csrf_token]").value);
    Array.prototype.forEach.call(files, function (file) { data.append("file", file, file.name); });
    var bar = form.querySelector("progress") || document.createElement("progress");
    bar.max = 100;
    bar.value = 0;
    var label = form.querySelector(".upload-progress") || document.createElement("span");
    label.className = "upload-progress";
    form.insertBefore(bar, box);
    form.insertBefore(label, box);
    var sending = form.getAttribute("data-msg-sending");
    var request = new XMLHttpRequest();
    request.open("POST", form.action);
    request.setRequestHeader("Accept", "application/json");
    request.upload.onprogress = function (event) {
      if (event.lengthComputable) {
        var percent = Math.round(100 * event.loaded / event.total);
        bar.value = percent;
        label.textContent = sending.replace("{percent}", percent + " %");
      }
    };
    request.onload = function () {
      var answer = null;
      try { answer = JSON.parse(request.responseText); } catch (ignored) { answer = null; }
      if (!answer) {
        say(box, [form.getAttribute("data-msg-failed")], "error");
        return;
      }
      bar.value = 100;
      label.textContent = sending.replace("{percent}", "100 %");
      box.textContent = "";
      say(box, answer.refused, "error");
      answer.accepted.forEach(function (line) {
        var p = document.createElement("p");
        p.className = "ok";
        p.textContent = line;
        box.appendChild(p);
      });
      if (answer.refused.length) { input.setAttribute("aria-invalid", "true"); }
      input.value = "";
      if (answer.accepted.length) { refresh(form, box); }
    };
    request.onerror = function () { say(box, [form.getAttribute("data-msg-failed")], "error"); };
    request.send(data);
  }

  Array.prototype.forEach.call(document.querySelectorAll("form.upload-form"), function (form) {
    var input = form.querySelector("input[type=file]");
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (input.files.length) {
        send(form, input.files);
      } else {
        form.submit();   // nothing chosen: the server says so, as without the script
      }
    });
    var zone = form.closest("li") || form;
    zone.addEventListener("dragover", function (event) {
      event.preventDefault();
      zone.classList.add("is-dragging");
    });
    zone.addEventListener("dragleave", function () { zone.classList.remove("is-dragging"); });
    zone.addEventListener("drop", function (event) {
      event.preventDefault();
      zone.classList.remove("is-dragging");
      if (event.dataTransfer && event.dataTransfer.files.length) { send(form, event.dataTransfer.files); }
    });
  });

  // --- long lists (countries...) searched by typing, with or without diacritics ------------
  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/[đĐ]/g, "d").toLowerCase();
  }

  Array.prototype.forEach.call(document.querySelectorAll("select[data-searchable]"), function (select) {
    var label = select.id ? document.querySelector("label[for='" + select.id + "']") : null;
    var search = document.createElement("input");
    search.type = "search";
    search.className = "select-search";
    search.setAttribute("aria-controls", select.id);
    search.setAttribute("aria-label", select.getAttribute("data-search-label")
                        || (label ? label.textContent.replace("*", "").trim() : ""));
    search.setAttribute("placeholder", select.getAttribute("data-search-hint") || "");
    search.addEventListener("input", function () {
      var typed = fold(search.value).trim();
      var words = typed.split(/\s+/).filter(Boolean);
      var first = null, best = null;
      Array.prototype.forEach.call(select.options, function (option) {
        var names = fold(option.text).split(/[\s,().-]+/);
        var hit = !option.value || words.every(function (w) {
          return names.some(function (name) { return name.indexOf(w) === 0; });   // words' starts
        });
        option.hidden = !hit;
        if (hit && option.value && first === null) { first = option; }
        if (hit && option.value && best === null && fold(option.text).indexOf(typed) === 0) { best = option; }
      });
      if ((best || first) && words.length) { select.value = (best || first).value; }   // a name that starts so first
    });
    select.parentNode.insertBefore(search, select);
  });

  // --- tables that scroll sideways on a phone: in a box the keyboard can reach --------------
  Array.prototype.forEach.call(document.querySelectorAll("main table"), function (table) {
    if (table.closest(".table-scroll")) { return; }
    var box = document.createElement("div");
    box.className = "table-scroll";
    box.tabIndex = 0;
    box.setAttribute("role", "region");
    var section = table.closest("section");
    var heading = section && section.querySelector("h2, h3");
    var name = table.caption ? table.caption.textContent : (heading ? heading.textContent : document.title);
    box.setAttribute("aria-label", name.trim());
    table.parentNode.insertBefore(box, table);
    box.appendChild(table);
  });

  // --- parts of a form that only matter for one choice (the new project's fields) -----------
  Array.prototype.forEach.call(document.querySelectorAll("[data-show-if]"), function (part) {
    var control = part.closest("form").elements[part.getAttribute("data-show-if")];
    if (!control) { return; }
    function update() { part.hidden = control.value !== part.getAttribute("data-show-value"); }
    control.addEventListener("change", update);
    update();
  });
})();
