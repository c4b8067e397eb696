// The resolution screen: each choice (mine, theirs, both, my own text) rewrites its conflict
// in the whole text at once; a save is held back while a conflict has no choice. Runs before
// save.js, so it can stop a submit that is not ready.
(function () {
  'use strict';
  var form = document.querySelector('form.page-save.resolve');
  if (!form) return;
  var whole = form.elements.namedItem('content');
  var handNote = form.querySelector('[data-hand-edited]');
  var status = form.querySelector('[data-save-status]');
  var MINE = '<<<<<<< mine';
  var THEIRS = '>>>>>>> theirs';

  function splitLines(text) { return text.match(/[^\n]*\n|[^\n]+$/g) || []; }
  function normalize(text) { return text.replace(/\r\n?/g, '\n'); }

  var lines = splitLines(whole.defaultValue);
  var conflicts = Array.prototype.map.call(form.querySelectorAll('fieldset.conflict'), function (fs) {
    return {
      fieldset: fs,
      start: Number(fs.dataset.start),
      end: Number(fs.dataset.end),
      mine: fs.querySelector('pre[data-text="mine"]').textContent,
      theirs: fs.querySelector('pre[data-text="theirs"]').textContent,
      edit: fs.querySelector('textarea'),
      radios: fs.querySelectorAll('input[type="radio"]'),
    };
  });
  // The server shows a text edited by hand as it was left: the choices cannot rebuild it.
  var handMade = whole.hasAttribute('data-hand-edited-text');
  var handEdited = handMade || whole.value !== whole.defaultValue;
  if (handMade) form.querySelector('[data-reapply]').hidden = true;

  function choiceOf(c) {
    var checked = c.fieldset.querySelector('input[type="radio"]:checked');
    return checked ? checked.value : null;
  }

  function textFor(c, choice) {
    if (choice === 'mine') return c.mine;
    if (choice === 'theirs') return c.theirs;
    if (choice === 'both') return c.mine === '' || /\n$/.test(c.mine) ? c.mine + c.theirs : c.mine + '\n' + c.theirs;
    return normalize(c.edit.value);
  }

  function compose() {
    var out = '';
    var at = 0;
    conflicts.forEach(function (c) {
      out += lines.slice(at, c.start).join('');
      var choice = choiceOf(c);
      var text = choice ? textFor(c, choice) : lines.slice(c.start, c.end).join('');
      if (choice && c.end < lines.length && text !== '' && !/\n$/.test(text)) text += '\n';
      out += text;
      at = c.end;
    });
    return out + lines.slice(at).join('');
  }

  function refresh() {
    conflicts.forEach(function (c) { c.fieldset.classList.toggle('resolved', choiceOf(c) !== null); });
    if (!handEdited) whole.value = compose();
    handNote.hidden = !handEdited;
  }

  conflicts.forEach(function (c) {
    c.radios.forEach(function (radio) { radio.addEventListener('change', refresh); });
    c.edit.addEventListener('input', function () {
      // Typing one's own text is choosing it.
      var own = c.fieldset.querySelector('input[value="edit"]');
      if (!own.checked) own.checked = true;
      refresh();
    });
  });
  whole.addEventListener('input', function () {
    handEdited = true;
    handNote.hidden = false;
  });
  form.querySelector('[data-reapply]').addEventListener('click', function () {
    handEdited = false;
    refresh();
    whole.focus();
  });

  function hasMarkers(text) {
    var set = text.split('\n');
    return set.indexOf(MINE) >= 0 && set.indexOf(THEIRS) >= 0;
  }

  form.addEventListener('submit', function (event) {
    var problem = null;
    var focus = null;
    var open = conflicts.filter(function (c) { return choiceOf(c) === null; });
    if (!handEdited && open.length > 0) {
      problem = 'Choose what to keep for conflict ' + open.map(function (c) { return Number(c.fieldset.dataset.index) + 1; }).join(', ') + ' before saving.';
      focus = open[0].radios[0];
    } else if (hasMarkers(whole.value)) {
      problem = 'The whole text still contains conflict markers (' + MINE + ' … ' + THEIRS + '). Choose what to keep, or remove those lines.';
      focus = whole;
    }
    if (problem === null) return;
    event.preventDefault();
    event.stopImmediatePropagation();
    status.textContent = problem;
    if (focus) focus.focus();
  });

  refresh();
})();
