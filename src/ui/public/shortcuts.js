// Keyboard shortcuts of the editor: Ctrl/Cmd+S saves (save.js), Ctrl/Cmd+Shift+P or Alt+P
// previews now, Ctrl/Cmd+B, +I and +K make the selection bold, italic or a [[link]], and "?"
// outside a text field opens the list of them (a modal <dialog>: focus moves into it, Escape
// closes it, and focus goes back to where it was).
(function () {
  'use strict';

  var form = document.querySelector('form.page-save');
  var dialog = document.getElementById('shortcuts');
  if (!form || !dialog) return;
  var textarea = form.elements.namedItem('content');
  var opener = document.querySelector('[data-shortcuts-open]');

  /** Puts `before` and `after` around the selection (an empty one: the caret lands between them). */
  function wrap(before, after) {
    var start = textarea.selectionStart;
    var end = textarea.selectionEnd;
    var selected = textarea.value.slice(start, end);
    textarea.focus();
    // insertText keeps the browser's undo history; setRangeText where it is not supported.
    if (!document.execCommand || !document.execCommand('insertText', false, before + selected + after)) {
      textarea.setRangeText(before + selected + after, start, end, 'end');
      textarea.dispatchEvent(new Event('input', { bubbles: true }));
    }
    textarea.setSelectionRange(start + before.length, start + before.length + selected.length);
  }

  var returnFocus = null;
  function openList() {
    if (dialog.open) return;
    returnFocus = document.activeElement;
    dialog.showModal();
  }
  dialog.addEventListener('close', function () {
    if (returnFocus && typeof returnFocus.focus === 'function') returnFocus.focus();
    returnFocus = null;
  });
  if (opener) {
    opener.hidden = false;
    opener.addEventListener('click', openList);
  }

  function inTextField(target) {
    return target instanceof HTMLElement && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
  }

  document.addEventListener('keydown', function (event) {
    var mod = event.ctrlKey || event.metaKey;
    // event.code: Alt+P types "π" on a Mac keyboard, and Shift changes the key's letter case.
    if ((mod && event.shiftKey && event.code === 'KeyP') || (event.altKey && !mod && event.code === 'KeyP')) {
      event.preventDefault();
      form.dispatchEvent(new CustomEvent('midair:preview'));
      return;
    }
    if (mod && !event.shiftKey && !event.altKey && event.target === textarea) {
      var marks = { KeyB: ['**', '**'], KeyI: ['*', '*'], KeyK: ['[[', ']]'] }[event.code];
      if (marks) {
        event.preventDefault();
        wrap(marks[0], marks[1]);
      }
      return;
    }
    if (event.key === '?' && !mod && !event.altKey && !inTextField(event.target) && !dialog.open) {
      event.preventDefault();
      openList();
    }
  });
})();
