// Shows every <time datetime> in the reader's own time zone; the server writes UTC.
(function () {
  'use strict';
  var format = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
  document.querySelectorAll('time[datetime]').forEach(function (el) {
    var date = new Date(el.getAttribute('datetime'));
    if (isNaN(date.getTime())) return;
    el.title = el.textContent;
    el.textContent = format.format(date);
  });
})();
