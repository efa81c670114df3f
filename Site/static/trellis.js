// Trellis: small progressive enhancements. Every page works without this script.
(function () {
  "use strict";
  // On wide screens the site menu is always shown; on phones it stays a Menu button.
  var menu = document.querySelector(".site-menu");
  if (menu && window.matchMedia) {
    var wide = window.matchMedia("(min-width: 48rem)");
    var sync = function () { if (wide.matches) { menu.open = true; } };
    sync();
    if (wide.addEventListener) { wide.addEventListener("change", sync); }
  }
})();
