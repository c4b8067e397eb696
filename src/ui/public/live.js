// Listens to the page's event stream while a save form is open: warns as soon as the page
// changes under the editor, and shows who else has it open for editing (advisory only).
(function () {
  'use strict';
  var form = document.querySelector('form.page-save[data-events]');
  if (!form || !window.EventSource) return;
  var warning = document.getElementById('live-warning');
  var presence = document.getElementById('presence');
  var nameInput = document.querySelector('[data-presence-name]');

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
  var myName = '';
  try { myName = localStorage.getItem('midair:editor-name') || ''; } catch (error) { /* storage off */ }
  if (nameInput) nameInput.value = myName;

  var source = null;
  var me = null;
  var latest = null;

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

  function showPresence(editors) {
    var others = editors.filter(function (e) { return e.id !== me; });
    presence.replaceChildren();
    if (others.length === 0) { presence.hidden = true; return; }
    var names = others.map(function (e) { return e.name || 'someone'; });
    var list = names.length === 1 ? names[0] : names.slice(0, -1).join(', ') + ' and ' + names[names.length - 1];
    presence.append(text('strong', 'Also editing this page now: '), list + '. ',
      text('span', 'Nothing is locked: if you both save, the changes are merged.', 'hint'));
    presence.hidden = false;
  }

  function connect() {
    if (source) source.close();
    var url = form.dataset.events + '?editing=' + encodeURIComponent(session) + (myName ? '&who=' + encodeURIComponent(myName) : '');
    source = new EventSource(url);
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
      showPresence(JSON.parse(event.data).editors || []);
    });
  }

  form.addEventListener('midair:base-changed', showWarning);
  // A saved or collided form navigates away; stop first so the server drops our presence.
  form.addEventListener('midair:saved', function () { if (source) source.close(); });
  form.addEventListener('midair:collided', function () { if (source) source.close(); });
  if (nameInput) {
    var timer = null;
    nameInput.addEventListener('input', function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        myName = nameInput.value.trim().slice(0, 60);
        try { localStorage.setItem('midair:editor-name', myName); } catch (error) { /* storage off */ }
        connect();
      }, 600);
    });
  }
  connect();
})();
