// Saves a page form with fetch: PUT /api/pages/{name} with If-Match: <the form's baseEtag>
// (If-None-Match: * to create). On 412 — someone else saved first — the form is submitted
// as it would be without JavaScript, and the server answers with its merge or resolution
// screen. Other failures leave the text in place with the reason.
(function () {
  'use strict';

  function normalize(text) {
    return text.replace(/\r\n?/g, '\n');
  }

  function setBusy(form, busy) {
    form.querySelectorAll('button').forEach(function (button) { button.disabled = busy; });
    form.setAttribute('aria-busy', busy ? 'true' : 'false');
  }

  function say(form, text) {
    var status = form.querySelector('[data-save-status]');
    if (status) status.textContent = text;
  }

  function submitWithoutScript(form) {
    // HTMLFormElement.submit() skips submit listeners, so this is the plain form post.
    HTMLFormElement.prototype.submit.call(form);
  }

  async function save(form) {
    var base = form.elements.namedItem('baseEtag').value;
    var headers = { 'Content-Type': 'text/markdown; charset=utf-8' };
    if (base === '') headers['If-None-Match'] = '*';
    else headers['If-Match'] = base;
    var summary = form.elements.namedItem('summary');
    if (summary && summary.value.trim() !== '') headers['Edit-Summary'] = encodeURIComponent(summary.value.trim());
    var content = normalize(form.elements.namedItem('content').value);

    setBusy(form, true);
    say(form, 'Saving…');
    var response;
    try {
      response = await fetch(form.dataset.api, { method: 'PUT', headers: headers, body: content, credentials: 'same-origin' });
    } catch (error) {
      setBusy(form, false);
      say(form, 'The server could not be reached, so nothing was saved. Your text is still here (and kept in this browser); try again.');
      return;
    }
    if (response.ok) {
      form.dispatchEvent(new CustomEvent('midair:saved', { bubbles: true }));
      say(form, 'Saved.');
      window.location.assign(form.getAttribute('action'));
      return;
    }
    if (response.status === 412) {
      say(form, 'Someone else changed this page meanwhile — merging your text with theirs…');
      form.dispatchEvent(new CustomEvent('midair:collided', { bubbles: true }));
      submitWithoutScript(form);
      return;
    }
    var problem = null;
    try { problem = await response.json(); } catch (error) { /* not a problem document */ }
    setBusy(form, false);
    say(form, (problem && problem.detail ? problem.detail : 'Saving failed (' + response.status + ').') + ' Nothing was saved; your text is still here.');
  }

  document.querySelectorAll('form.page-save').forEach(function (form) {
    form.addEventListener('submit', function (event) {
      // Preview is a server round trip by design.
      if (event.submitter && event.submitter.value === 'preview') return;
      event.preventDefault();
      if (form.getAttribute('aria-busy') === 'true') return;
      save(form);
    });
    form.addEventListener('keydown', function (event) {
      if ((event.ctrlKey || event.metaKey) && (event.key === 's' || event.key === 'S')) {
        event.preventDefault();
        var button = form.querySelector('button.primary');
        form.requestSubmit(button || undefined);
      }
    });
  });
})();
