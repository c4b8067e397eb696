// Listens to the page's event stream while a save form is open: warns as soon as the page
// changes under the editor, and shows who else has it open for editing (advisory only).
// The server names signed-in editors by their account and anonymous ones not at all; it sends
// the list once (`presence`), then only who joined and left (`presence-change`).
(function () {
  'use strict';
  var form = document.querySelector('form.page-save[data-events]');
  if (!form || !window.EventSource) return;
  var warning = document.getElementById('live-warning');
  var presence = document.getElementById('presence');

  function randomId() {
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return (b + 256).toString(16).slice(1); }).join('');
  }
  var session = sessionStorage.getItem('midair:editor-session');
  if (!session) {
    session = randomId();
    sessionStorage.setItem('midair:editor-session', session);
  }
  // Older versions asked for a name and kept it here; the server no longer shows typed names.
  try { localStorage.removeItem('midair:editor-name'); } catch (error) { /* storage off */ }

  var source = null;
  var me = null;
  var latest = null;
  /** The editors the server names, by id, in the order they came; and how many more there are. */
  var editors = new Map();
  var others = 0;
  /** A refused stream (too many open) is tried again this much later. */
  var RETRY_MS = 30000;
  var retry = null;

  function text(tag, content, className) {
    var el = document.createElement(tag);
    el.textContent = content;
    if (className) el.className = className;
    return el;
  }

  function base() { return form.elements.namedItem('baseEtag').value; }

  function showWarning() {
    if (!latest) return;
    var b = base();
    var changed = latest.exists ? latest.etag !== b : b !== '';
    warning.replaceChildren();
    if (!changed) { warning.hidden = true; return; }
    var p = document.createElement('p');
    var who = latest.author ? latest.author : 'someone';
    if (!latest.exists) {
      p.append(text('strong', 'This page was deleted while you were editing'), latest.author ? ' (by ' + who + ').' : '.',
        ' Your text is safe: when you save, you can create the page again with it.');
    } else if (b === '') {
      p.append(text('strong', 'Someone created this page while you were writing.'),
        ' Your text is safe: when you save, you will see both texts and choose what to keep.');
    } else {
      p.append(text('strong', 'This page changed while you were editing'),
        latest.revision ? ' — revision ' + latest.revision + (latest.author !== undefined ? ' by ' + who : '') : '',
        latest.summary ? ' (“' + latest.summary + '”)' : '', '. Your text is safe: when you save, it is merged with that change.');
      var from = form.elements.namedItem('baseRevision');
      if (from && from.value && latest.revision) {
        var link = text('a', 'See what changed');
        link.href = form.getAttribute('action') + '/diff?from=' + encodeURIComponent(from.value) + '&to=' + latest.revision;
        link.target = '_blank';
        link.rel = 'noopener';
        p.append(' ', link);
      }
    }
    warning.append(p);
    warning.hidden = false;
  }

  function people(n, more) {
    if (n === 1) return more ? 'one more person' : 'someone';
    return n + (more ? ' more people' : ' people');
  }

  // Named (signed-in) editors by name; anonymous ones and those past the named list as a count.
  function showPresence() {
    var names = [];
    var unnamed = others;
    var listed = false;
    editors.forEach(function (e) {
      if (e.id === me) { listed = true; return; }
      // One account in several tabs is named once.
      if (!e.name) unnamed++; else if (names.indexOf(e.name) < 0) names.push(e.name);
    });
    if (!listed && me && others > 0) unnamed--; // we are one of the count
    presence.replaceChildren();
    if (names.length === 0 && unnamed <= 0) { presence.hidden = true; return; }
    if (unnamed > 0) names.push(people(unnamed, names.length > 0));
    var list = names.length === 1 ? names[0] : names.slice(0, -1).join(', ') + ' and ' + names[names.length - 1];
    presence.append(text('strong', 'Also editing this page now: '), list + '. ',
      text('span', 'Nothing is locked: if you both save, the changes are merged.', 'hint'));
    presence.hidden = false;
  }

  function connect() {
    if (source) source.close();
    clearTimeout(retry);
    source = new EventSource(form.dataset.events + '?editing=' + encodeURIComponent(session));
    source.addEventListener('error', function () {
      // EventSource retries a dropped stream itself, but gives up on an error answer (429).
      if (source.readyState === EventSource.CLOSED) retry = setTimeout(connect, RETRY_MS);
    });
    source.addEventListener('state', function (event) {
      var d = JSON.parse(event.data);
      me = d.you || me;
      // After a reconnect the state says nothing of who changed the page; keep what a change said.
      if (latest && latest.revision === d.revision && latest.etag === d.etag) return;
      latest = { exists: d.exists, etag: d.etag, revision: d.revision, summary: '', author: undefined };
      showWarning();
    });
    source.addEventListener('change', function (event) {
      var d = JSON.parse(event.data);
      latest = { exists: !d.deleted, etag: d.etag, revision: d.revision, summary: d.summary, author: d.author };
      showWarning();
    });
    source.addEventListener('presence', function (event) {
      var d = JSON.parse(event.data);
      editors = new Map();
      (d.editors || []).forEach(function (e) { editors.set(e.id, e); });
      others = d.others || 0;
      showPresence();
    });
    source.addEventListener('presence-change', function (event) {
      var d = JSON.parse(event.data);
      (d.left || []).forEach(function (id) { editors.delete(id); });
      (d.joined || []).forEach(function (e) { editors.set(e.id, e); });
      others = d.others || 0;
      showPresence();
    });
  }

  form.addEventListener('midair:base-changed', showWarning);
  // A saved or collided form navigates away; stop first so the server drops our presence.
  function stop() { clearTimeout(retry); if (source) source.close(); }
  form.addEventListener('midair:saved', stop);
  form.addEventListener('midair:collided', stop);
  connect();
})();
