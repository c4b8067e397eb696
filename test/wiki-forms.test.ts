// Saving from the browser without JavaScript: the editor's form POST, applied exactly as
// If-Match (or If-None-Match: * when creating), and the merge, resolution and re-creation
// screens a collision leads to. Real HTTP against a real server process.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { form, inputValue, textareaValue, visibleText } from './e2e/html.js';
import { createPage, getPage, putPage, request } from './support/http.js';
import { serverPerSuite } from './support/server.js';

const suite = serverPerSuite();

function post(name: string, fields: Record<string, string>) {
  return request(`${suite.url}/wiki/${encodeURIComponent(name)}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: form(fields),
  });
}

async function editorOf(name: string) {
  const html = (await request(`${suite.url}/wiki/${encodeURIComponent(name)}/edit`)).text();
  return { html, baseEtag: inputValue(html, 'baseEtag')!, content: textareaValue(html, 'content')! };
}

async function source(name: string) {
  return (await getPage(suite.url, name)).text();
}

/** The fields a browser would submit from a rendered form (hidden inputs and textareas). */
function formFields(html: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const m of html.matchAll(/<input type="hidden" name="([^"]+)"/g)) fields[m[1]!] = inputValue(html, m[1]!)!;
  for (const m of html.matchAll(/<textarea[^>]*\bname="([^"]+)"/g)) fields[m[1]!] = textareaValue(html, m[1]!)!;
  const summary = inputValue(html, 'summary');
  if (summary !== undefined) fields['summary'] = summary;
  return fields;
}

const text = 'one\ntwo\nthree\nfour\nfive\nsix\nseven\n';

describe('the editor form', () => {
  it('carries the ETag of the revision it edits; an unknown page gets an empty base (create-only)', async () => {
    const etag = await createPage(suite.url, 'Carried', 'x\n');
    assert.equal((await editorOf('Carried')).baseEtag, etag);
    const fresh = await editorOf('Brand New');
    assert.equal(fresh.baseEtag, '');
    assert.equal(fresh.content, '');
  });

  it('creates a page, storing CRLF and lone CR as LF, and redirects to it with 303', async () => {
    const res = await post('Formed', { content: 'line one\r\nline two\rline three\r\n', baseEtag: '', summary: 'first' });
    assert.equal(res.status, 303);
    assert.equal(res.headers.location, '/wiki/Formed');
    assert.equal(await source('Formed'), 'line one\nline two\nline three\n');
    const history = (await request(`${suite.url}/api/pages/Formed/revisions`)).json<{ revisions: { summary: string }[] }>();
    assert.equal(history.revisions[0]!.summary, 'first');
  });

  it('updates a page when baseEtag is current', async () => {
    await createPage(suite.url, 'Updated', 'old\n');
    const { baseEtag } = await editorOf('Updated');
    const res = await post('Updated', { content: 'new\r\n', baseEtag, summary: '' });
    assert.equal(res.status, 303);
    assert.equal(await source('Updated'), 'new\n');
  });

  it('refuses a form without baseEtag with 428, as the API refuses a write without a precondition', async () => {
    await createPage(suite.url, 'Guarded', 'keep\n');
    const res = await post('Guarded', { content: 'overwrite', summary: '' });
    assert.equal(res.status, 428);
    assert.match(String(res.headers['content-type']), /^text\/html/);
    assert.equal(await source('Guarded'), 'keep\n');
  });

  it('refuses a baseEtag that is not a strong entity-tag', async () => {
    await createPage(suite.url, 'Tagged', 'keep\n');
    for (const baseEtag of ['abc', 'W/"abc"']) {
      const res = await post('Tagged', { content: 'x', baseEtag });
      assert.equal(res.status, 400, baseEtag);
    }
    assert.equal(await source('Tagged'), 'keep\n');
  });

  it('previews without saving', async () => {
    await createPage(suite.url, 'Previewed', 'before\n');
    const { baseEtag } = await editorOf('Previewed');
    const res = await post('Previewed', { content: '**bold** [[Previewed]]', baseEtag, intent: 'preview' });
    assert.equal(res.status, 200);
    assert.match(res.text(), /<section class="preview"[\s\S]*<strong>bold<\/strong>/);
    assert.match(res.text(), /<a class="wikilink" href="\/wiki\/Previewed">/);
    assert.equal(inputValue(res.text(), 'baseEtag'), baseEtag);
    assert.equal(await source('Previewed'), 'before\n');
  });

  it('a summary with control characters is refused', async () => {
    const res = await post('Summarised', { content: 'x', baseEtag: '', summary: 'bad\u0007bell' });
    assert.equal(res.status, 400);
  });
});

describe('collisions on the form path', () => {
  it('non-overlapping edits: a 409 merge screen names the other change, shows the diff, and saves both', async () => {
    await createPage(suite.url, 'Merge', text);
    const mine = await editorOf('Merge');
    await putPage(suite.url, 'Merge', text.replace('two', 'TWO'), { 'if-match': mine.baseEtag, 'edit-summary': 'caps' });
    const current = (await getPage(suite.url, 'Merge')).headers.etag as string;

    const res = await post('Merge', { content: mine.content.replace('six', 'SIX').replace(/\n/g, '\r\n'), baseEtag: mine.baseEtag, summary: 'mine' });
    assert.equal(res.status, 409);
    const html = res.text();
    assert.match(visibleText(html), /Merged with the change anonymous made at .* \(caps\)/);
    assert.match(html, /<ins>SIX<\/ins>|<tr class="added">[^\n]*SIX/);
    assert.equal(inputValue(html, 'baseEtag'), current, 'the merge saves against the current ETag');
    const fields = formFields(html);
    assert.equal(fields['content'], text.replace('two', 'TWO').replace('six', 'SIX'));
    assert.equal(await source('Merge'), text.replace('two', 'TWO'), 'nothing saved before the user confirms');

    const saved = await post('Merge', fields);
    assert.equal(saved.status, 303);
    assert.equal(await source('Merge'), text.replace('two', 'TWO').replace('six', 'SIX'));
  });

  it('overlapping edits: the resolution screen shows each conflict, and the chosen text of both is saved', async () => {
    await createPage(suite.url, 'Clash', text);
    const mine = await editorOf('Clash');
    await putPage(suite.url, 'Clash', text.replace('two', 'their two').replace('six', 'their six'), { 'if-match': mine.baseEtag });
    const res = await post('Clash', { content: text.replace('two', 'my two').replace('six', 'my six'), baseEtag: mine.baseEtag, summary: 'both' });
    assert.equal(res.status, 409);
    const html = res.text();
    assert.equal((html.match(/<fieldset class="conflict/g) ?? []).length, 2);
    assert.match(html, /<pre data-text="mine">\nmy two\n<\/pre>/);
    assert.match(html, /<pre data-text="theirs">\ntheir two\n<\/pre>/);
    assert.match(html, /<pre data-text="base">\ntwo\n<\/pre>/);
    for (const choice of ['mine', 'theirs', 'both', 'edit']) assert.match(html, new RegExp(`name="choice-0" value="${choice}"`));
    assert.match(textareaValue(html, 'content')!, /^<<<<<<< mine\nmy two\n\|\|\|\|\|\|\| base\ntwo\n=======\ntheir two\n>>>>>>> theirs$/m);

    const fields = formFields(html);
    // Without a choice for conflict 2, the screen comes back with the error and the choice kept.
    const incomplete = await post('Clash', { ...fields, 'choice-0': 'both' });
    assert.equal(incomplete.status, 409);
    assert.match(visibleText(incomplete.text()), /Choose what to keep for conflict 2\./);
    assert.match(incomplete.text(), /name="choice-0" value="both" checked/);

    const saved = await post('Clash', { ...fields, 'choice-0': 'both', 'choice-1': 'edit', 'edit-1': 'our six\r\n' });
    assert.equal(saved.status, 303, saved.text().slice(0, 300));
    assert.equal(await source('Clash'), text.replace('two', 'my two\ntheir two').replace('six', 'our six'));
  });

  it('a whole text edited by hand is saved as written, but not while it still has conflict markers', async () => {
    await createPage(suite.url, 'ByHand', text);
    const mine = await editorOf('ByHand');
    await putPage(suite.url, 'ByHand', text.replace('four', 'FOUR'), { 'if-match': mine.baseEtag });
    const screen = (await post('ByHand', { content: text.replace('four', '4'), baseEtag: mine.baseEtag })).text();
    const fields = formFields(screen);
    const marked = await post('ByHand', { ...fields, content: `${fields['content']}extra\n` });
    assert.equal(marked.status, 409);
    assert.match(visibleText(marked.text()), /still contains conflict markers/);
    assert.equal(textareaValue(marked.text(), 'content'), `${fields['content']}extra\n`, 'the hand-edited text is kept');
    const saved = await post('ByHand', { ...fields, content: text.replace('four', 'four (4)') });
    assert.equal(saved.status, 303);
    assert.equal(await source('ByHand'), text.replace('four', 'four (4)'));
  });

  it('a resolution that collides again is merged again, never overwriting the newer change', async () => {
    await createPage(suite.url, 'Twice', text);
    const mine = await editorOf('Twice');
    await putPage(suite.url, 'Twice', text.replace('one', 'ONE'), { 'if-match': mine.baseEtag });
    const screen = (await post('Twice', { content: text.replace('one', '1'), baseEtag: mine.baseEtag })).text();
    const fields = formFields(screen);
    const now = (await getPage(suite.url, 'Twice')).headers.etag as string;
    await putPage(suite.url, 'Twice', text.replace('one', 'ONE').replace('seven', 'SEVEN'), { 'if-match': now });
    const again = await post('Twice', { ...fields, 'choice-0': 'mine' });
    assert.equal(again.status, 409);
    const merged = formFields(again.text());
    assert.equal(merged['content'], text.replace('one', '1').replace('seven', 'SEVEN'));
  });

  it('a page deleted meanwhile: the text is kept and offered for re-creation (create-only)', async () => {
    const etag = await createPage(suite.url, 'Vanished', 'old\n');
    await request(`${suite.url}/api/pages/Vanished`, { method: 'DELETE', headers: { 'if-match': etag, 'edit-summary': 'gone' } });
    const res = await post('Vanished', { content: 'my careful text\n', baseEtag: etag, summary: 'rewrite' });
    assert.equal(res.status, 409);
    assert.match(visibleText(res.text()), /This page was deleted while you were editing — .* by anonymous \(gone\)/);
    const fields = formFields(res.text());
    assert.equal(fields['content'], 'my careful text\n');
    assert.equal(fields['baseEtag'], '');
    assert.equal((await post('Vanished', fields)).status, 303);
    assert.equal(await source('Vanished'), 'my careful text\n');
  });

  it('creating a page someone else created meanwhile shows both texts to choose from', async () => {
    await createPage(suite.url, 'Race', 'their first text\n');
    const res = await post('Race', { content: 'my first text\n', baseEtag: '' });
    assert.equal(res.status, 409);
    assert.match(res.text(), /<pre data-text="mine">\nmy first text\n<\/pre>/);
    assert.match(res.text(), /<pre data-text="theirs">\ntheir first text\n<\/pre>/);
    assert.match(visibleText(res.text()), /This page already exists \(revision 1, /, 'a create that met a page says so');
    assert.doesNotMatch(visibleText(res.text()), /collided|page changed/);
  });

  it('text typed as one’s own for a conflict is kept without its radio button: typing is choosing', async () => {
    await createPage(suite.url, 'Typed', text);
    const mine = await editorOf('Typed');
    await putPage(suite.url, 'Typed', text.replace('two', 'their two').replace('six', 'their six'), { 'if-match': mine.baseEtag });
    const screen = await post('Typed', { content: text.replace('two', 'my two').replace('six', 'my six'), baseEtag: mine.baseEtag });
    const fields = formFields(screen.text());
    assert.equal(fields['edit-0'], 'my two\ntheir two\n', 'the own text starts as mine, then theirs');
    // Conflict 1 typed in, no radio; conflict 2 left alone: the screen comes back with the typed text kept and chosen.
    const typed = await post('Typed', { ...fields, 'edit-0': 'our two\r\n' });
    assert.equal(typed.status, 409);
    assert.match(visibleText(typed.text()), /Choose what to keep for conflict 2\./);
    assert.doesNotMatch(visibleText(typed.text()), /conflict 1,/);
    assert.equal(textareaValue(typed.text(), 'edit-0'), 'our two\n', 'the typed text is not thrown away');
    assert.match(typed.text(), /name="choice-0" value="edit" checked/);
    // An untouched own text is no choice; a typed one is.
    const saved = await post('Typed', { ...formFields(typed.text()), 'choice-1': 'theirs' });
    assert.equal(saved.status, 303, saved.text().slice(0, 300));
    assert.equal(await source('Typed'), text.replace('two', 'our two').replace('six', 'their six'));
  });

  it('the same text saved meanwhile: nothing to save', async () => {
    const etag = await createPage(suite.url, 'Twin', 'a\n');
    await putPage(suite.url, 'Twin', 'b\n', { 'if-match': etag });
    const res = await post('Twin', { content: 'b\r\n', baseEtag: etag });
    assert.equal(res.status, 200);
    assert.match(visibleText(res.text()), /Nothing to save/);
  });
});
