// The public VAE request form shows the optional blocks of the qualification chosen only.
// Without this script every qualification's blocks are listed, each under its title, and the
// server keeps those of the chosen one.
(function () {
  'use strict';
  var select = document.getElementById('f-qualification');
  if (!select) {
    return;
  }
  var sets = document.querySelectorAll('fieldset[data-qualification]');
  function show() {
    sets.forEach(function (set) {
      set.hidden = set.getAttribute('data-qualification') !== select.value;
    });
  }
  select.addEventListener('change', show);
  show();
})();
