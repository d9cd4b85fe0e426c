// Long texts keep what is typed in this browser tab until the server has it: if the page is
// left, reloaded, or the session ends before « Enregistrer », the text comes back on the next
// visit of the page, with a note to save it. Only this tab keeps it (sessionStorage), so
// nothing is left on a shared computer once the tab is closed.
(function () {
  'use strict';
  var store;
  try {
    store = window.sessionStorage;
  } catch (e) {
    return;
  }
  if (!store) {
    return;
  }
  document.querySelectorAll('textarea[data-draft]').forEach(function (area) {
    var key = 'cqp-draft:' + location.pathname + ':' + area.name;
    var served = area.value; // what the server holds, or what it kept of a refused form
    var kept = null;
    try {
      kept = JSON.parse(store.getItem(key));
    } catch (e) {
      kept = null;
    }
    // A draft comes back only over the text it was typed on: a text saved since, from here
    // or elsewhere, wins.
    if (kept && kept.base === served && kept.text !== served) {
      area.value = kept.text;
      var note = document.createElement('p');
      note.className = 'warning';
      note.setAttribute('role', 'status');
      note.textContent = 'Texte tapé lors de votre dernière visite, pas encore enregistré : relisez-le, puis enregistrez.';
      area.parentNode.insertBefore(note, area);
    } else {
      store.removeItem(key);
      kept = {base: served};
    }
    area.addEventListener('input', function () {
      store.setItem(key, JSON.stringify({base: kept.base, text: area.value}));
    });
  });
})();
