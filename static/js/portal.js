/* The portal's own script. Every page works without it; it only adds what a browser with
   scripts can do better: the phone menu button. Served from /static (CSP script-src 'self'). */
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
})();
