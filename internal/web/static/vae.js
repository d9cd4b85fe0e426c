// Live check of the VAE admissibility file: as experience periods are typed, the months of
// experience related to the qualification are counted again and the check (#vae-check) says
// where they stand against the minimum and the recommendation. Progressive enhancement only:
// without this script the page works the same, the server counting at each save.
//
// The months are counted exactly like internal/rules/experience.go: a period runs from its
// first day to its last day included, an open period (no end) runs to today and an end in the
// future stops at today; overlapping or adjacent periods are merged; each merged stretch counts
// its whole calendar months. "Today" is the server's date (data-today), not the browser's.
(function () {
  'use strict';

  var box = document.getElementById('vae-check');
  var rows = document.getElementById('vae-periods');
  if (!box || !rows) {
    return;
  }
  var DAY = 86400000;
  var min = parseInt(box.getAttribute('data-min-months'), 10) || 0;
  var recommended = parseInt(box.getAttribute('data-recommended-months'), 10) || 0;
  var today = parseDate(box.getAttribute('data-today'));
  if (today === null) {
    return;
  }
  // What the server counted: the check is rewritten only once the periods give another count.
  var shown = {
    related: parseInt(box.getAttribute('data-related-months'), 10),
    total: parseInt(box.getAttribute('data-total-months'), 10)
  };

  // dayNumber returns the days since 01/01/1970 of a calendar date, or null when the date does
  // not exist (31/02/2024).
  function dayNumber(y, m, d) {
    var t = new Date(Date.UTC(y, m - 1, d));
    if (t.getUTCFullYear() !== y || t.getUTCMonth() !== m - 1 || t.getUTCDate() !== d) {
      return null;
    }
    return Math.round(t.getTime() / DAY);
  }

  // parseDate reads JJ/MM/AAAA (J/M/AAAA too) or AAAA-MM-JJ, as the server does.
  function parseDate(s) {
    var v = (s || '').trim();
    var m = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(v);
    if (m) {
      return dayNumber(parseInt(m[3], 10), parseInt(m[2], 10), parseInt(m[1], 10));
    }
    m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v);
    if (m) {
      return dayNumber(parseInt(m[1], 10), parseInt(m[2], 10), parseInt(m[3], 10));
    }
    return null;
  }

  function calendar(n) {
    var t = new Date(n * DAY);
    return { y: t.getUTCFullYear(), m: t.getUTCMonth() + 1, d: t.getUTCDate() };
  }

  // wholeMonths counts the whole calendar months from day a to day b (b excluded).
  function wholeMonths(a, b) {
    var x = calendar(a);
    var y = calendar(b);
    var months = (y.y - x.y) * 12 + y.m - x.m;
    if (y.d < x.d) {
      months--;
    }
    return Math.max(months, 0);
  }

  // experienceMonths is rules.ExperienceMonths.
  function experienceMonths(periods, relatedOnly) {
    var spans = [];
    periods.forEach(function (p) {
      if (relatedOnly && !p.related) {
        return;
      }
      var until = p.until;
      if (until === null || today < until) {
        until = today;
      }
      if (p.from === null || until < p.from) {
        return;
      }
      spans.push({ from: p.from, until: until });
    });
    spans.sort(function (a, b) { return a.from - b.from; });
    var total = 0;
    var i = 0;
    while (i < spans.length) {
      var cur = { from: spans[i].from, until: spans[i].until };
      var j = i + 1;
      for (; j < spans.length && !(cur.until + 1 < spans[j].from); j++) {
        if (cur.until < spans[j].until) {
          cur.until = spans[j].until;
        }
      }
      total += wholeMonths(cur.from, cur.until + 1);
      i = j;
    }
    return total;
  }

  function value(row, suffix) {
    var el = row.querySelector('[name$="_' + suffix + '"]');
    return el ? el.value : '';
  }

  // readPeriods reads the period rows. A start that is not a date leaves the period out, as
  // does an end typed but not a date: the server names them at the next save.
  function readPeriods() {
    var out = [];
    var list = rows.querySelectorAll('[data-period]');
    for (var i = 0; i < list.length; i++) {
      var row = list[i];
      var untilText = value(row, 'until').trim();
      var until = untilText === '' ? null : parseDate(untilText);
      if (untilText !== '' && until === null) {
        continue;
      }
      var related = row.querySelector('[name$="_related"]');
      out.push({ from: parseDate(value(row, 'from')), until: until, related: !!(related && related.checked) });
    }
    return out;
  }

  function setText(selector, text) {
    var el = box.querySelector(selector);
    if (el && el.textContent !== text) {
      el.textContent = text;
    }
  }

  function update() {
    var periods = readPeriods();
    var related = experienceMonths(periods, true);
    var total = experienceMonths(periods, false);
    if (related === shown.related && total === shown.total) {
      return;
    }
    shown = { related: related, total: total };
    setText('[data-vae-related]', String(related));
    setText('[data-vae-total]', String(total));
    var cls;
    var text;
    if (related < min) {
      cls = 'alert';
      text = 'Il faut au moins ' + min + " mois d'expérience en lien avec la qualification : vos périodes en donnent " + related + '.';
    } else if (related < recommended) {
      cls = 'warning';
      text = related + " mois d'expérience en lien avec la qualification : assez pour la demande (" + min +
        ' mois au moins), mais sous les ' + recommended + ' mois recommandés.';
    } else {
      cls = 'flash';
      text = related + " mois d'expérience en lien avec la qualification : la condition de " + min + ' mois est remplie.';
    }
    var target = box.querySelector('[data-vae-eligibility]');
    if (!target) {
      return;
    }
    var line = document.createElement('p');
    line.className = cls;
    line.textContent = text;
    target.textContent = '';
    target.appendChild(line);
  }

  rows.addEventListener('input', update);
  rows.addEventListener('change', update);
  update();
}());
