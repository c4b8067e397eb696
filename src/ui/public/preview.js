// The live preview beside the editor: a moment after typing stops, the text is posted to
// POST /wiki/{name}/preview, which renders it exactly as the page will be (same renderer, same
// sanitising), and the answer replaces the preview. The form's Preview button does the same
// without leaving the page; without JavaScript it posts the form and the server shows it.
(function () {
  'use strict';

  var DELAY_MS = 400;
  var form = document.querySelector('form.page-save[data-preview]');
  var pane = document.getElementById('preview');
  var body = document.getElementById('preview-body');
  var status = document.getElementById('preview-status');
  if (!form || !pane || !body || !status) return;
  var textarea = form.elements.namedItem('content');

  var timer = null;
  var inFlight = null;
  var shown = null;

  async function refresh() {
    clearTimeout(timer);
    var text = textarea.value;
    if (text === shown) return;
    // Only the newest text's answer counts: an older request still running is dropped.
    if (inFlight) inFlight.abort();
    var request = (inFlight = new AbortController());
    status.textContent = 'updating…';
    var response;
    try {
      response = await fetch(form.dataset.preview, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ content: text }),
        credentials: 'same-origin',
        signal: request.signal,
      });
    } catch (error) {
      if (request.signal.aborted) return;
      status.textContent = 'the server could not be reached; the preview is not up to date.';
      return;
    }
    var rendered = response.ok ? await response.text().catch(function () { return null; }) : null;
    if (request !== inFlight) return;
    inFlight = null;
    if (rendered === null) {
      status.textContent = response.status === 413 ? 'the text is too long to preview (or save).' : 'the preview could not be made (' + response.status + ').';
      return;
    }
    // The server's rendering: the same sanitised HTML a page view shows.
    body.innerHTML = rendered;
    shown = text;
    pane.hidden = false;
    status.textContent = '';
    form.dispatchEvent(new CustomEvent('midair:previewed', { bubbles: true }));
  }

  function later() {
    clearTimeout(timer);
    timer = setTimeout(refresh, DELAY_MS);
  }

  textarea.addEventListener('input', later);
  form.addEventListener('submit', function (event) {
    if (!event.submitter || event.submitter.value !== 'preview') return;
    event.preventDefault();
    refresh();
  });
  // Other scripts (shortcuts.js) ask for a preview now.
  form.addEventListener('midair:preview', function () {
    shown = null;
    refresh();
  });
  // A preview the server already made (the Preview button without script) is of this text.
  if (!pane.hidden) shown = textarea.value;
  else if (textarea.value.trim() !== '') refresh();
})();
