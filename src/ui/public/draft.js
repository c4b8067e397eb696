// Keeps the editor's unsaved text in localStorage, keyed by page and the ETag it started
// from, and offers it back after a reload or a closed tab. A draft started from an older
// version is restored together with that version's ETag, so saving it merges it with the
// changes made since rather than overwriting them.
(function () {
  'use strict';
  var PREFIX = 'midair:draft:';

  function keyOf(page, base) { return PREFIX + JSON.stringify([page, base]); }
  function remove(key) { try { localStorage.removeItem(key); } catch (error) { /* storage off */ } }

  function draftsOf(page) {
    var found = [];
    try {
      for (var i = 0; i < localStorage.length; i++) {
        var key = localStorage.key(i);
        if (!key || key.indexOf(PREFIX) !== 0) continue;
        var id = JSON.parse(key.slice(PREFIX.length));
        if (id[0] !== page) continue;
        var draft = JSON.parse(localStorage.getItem(key));
        if (draft && typeof draft.content === 'string') found.push({ key: key, base: id[1], draft: draft });
      }
    } catch (error) { /* storage off or a foreign entry */ }
    return found.sort(function (a, b) { return b.draft.savedAt - a.draft.savedAt; });
  }

  // A save (or the news that the page already has this text) ends the draft.
  document.addEventListener('midair:saved', function (event) {
    var form = event.target;
    remove(keyOf(form.dataset.page, form.dataset.draftBase));
  });
  document.querySelectorAll('[data-saved-draft]').forEach(function (el) {
    remove(keyOf(el.dataset.page, el.dataset.draftBase));
  });

  var form = document.querySelector('form.page-save.editor');
  if (!form) return;
  var page = form.dataset.page;
  var textarea = form.elements.namedItem('content');
  var summary = form.elements.namedItem('summary');
  var offer = document.getElementById('draft-offer');

  function currentKey() { return keyOf(page, form.dataset.draftBase); }

  function store() {
    var unchanged = textarea.value === textarea.defaultValue && summary.value === summary.defaultValue;
    if (unchanged) return remove(currentKey());
    var revision = form.elements.namedItem('baseRevision');
    try {
      localStorage.setItem(currentKey(), JSON.stringify({
        content: textarea.value,
        summary: summary.value,
        baseRevision: revision ? revision.value : '',
        savedAt: Date.now(),
      }));
    } catch (error) { /* full or off: the text is still in the page */ }
  }

  function useBase(base, baseRevision) {
    form.elements.namedItem('baseEtag').value = base;
    form.dataset.draftBase = base;
    var revision = form.elements.namedItem('baseRevision');
    if (revision) revision.value = baseRevision || '';
    form.dispatchEvent(new CustomEvent('midair:base-changed', { bubbles: true }));
  }

  function button(label, action) {
    var b = document.createElement('button');
    b.type = 'button';
    b.textContent = label;
    b.addEventListener('click', action);
    return b;
  }

  function showOffer() {
    var base = form.elements.namedItem('baseEtag').value;
    var drafts = draftsOf(page).filter(function (d) { return d.draft.content !== textarea.value; });
    offer.replaceChildren();
    if (drafts.length === 0) { offer.hidden = true; return; }
    var d = drafts[0];
    var when = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(d.draft.savedAt));
    var p = document.createElement('p');
    var strong = document.createElement('strong');
    strong.textContent = 'You have an unsaved draft of this page';
    p.append(strong, ' from ' + when + '.');
    if (d.base !== base) {
      p.append(' It was started from an ' + (d.base === '' ? 'earlier attempt to create this page' : 'older version of the page') +
        '; if you restore it, saving merges it with the changes made since.');
    }
    var actions = document.createElement('p');
    actions.className = 'actions';
    var restore = button('Restore draft', function () {
      textarea.value = d.draft.content;
      summary.value = d.draft.summary || '';
      if (d.base !== base) useBase(d.base, d.draft.baseRevision);
      // As if typed: the live preview follows.
      textarea.dispatchEvent(new Event('input', { bubbles: true }));
      offer.hidden = true;
      textarea.focus();
    });
    restore.className = 'primary';
    actions.append(restore, button('Discard draft', function () {
      remove(d.key);
      showOffer();
    }));
    offer.append(p, actions);
    offer.hidden = false;
  }

  var timer = null;
  function later() {
    clearTimeout(timer);
    timer = setTimeout(store, 400);
  }
  textarea.addEventListener('input', later);
  summary.addEventListener('input', later);
  window.addEventListener('pagehide', store);
  document.addEventListener('visibilitychange', function () { if (document.visibilityState === 'hidden') store(); });
  showOffer();
})();
