// HTTP-date (RFC 9110 §5.6.7): IMF-fixdate, and the obsolete RFC 850 and asctime forms
// that a recipient must still accept. Case-sensitive, always GMT.

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const LONG_DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

const DAY = `(${DAYS.join('|')})`;
const MONTH = `(${MONTHS.join('|')})`;
const TIME = '(\\d{2}):(\\d{2}):(\\d{2})';
// Sun, 06 Nov 1994 08:49:37 GMT
const IMF_FIXDATE = new RegExp(`^${DAY}, (\\d{2}) ${MONTH} (\\d{4}) ${TIME} GMT$`);
// Sunday, 06-Nov-94 08:49:37 GMT
const RFC850_DATE = new RegExp(`^(${LONG_DAYS.join('|')}), (\\d{2})-${MONTH}-(\\d{2}) ${TIME} GMT$`);
// Sun Nov  6 08:49:37 1994 — the day is two digits or a space and one digit.
const ASCTIME_DATE = new RegExp(`^${DAY} ${MONTH} (\\d{2}| \\d) ${TIME} (\\d{4})$`);

function toTime(year: number, month: string, day: number, h: string, m: string, s: string): number | undefined {
  const monthIndex = MONTHS.indexOf(month);
  const hour = Number(h);
  const minute = Number(m);
  const second = Number(s);
  // time-of-day allows 60 for a leap second (§5.6.7).
  if (hour > 23 || minute > 59 || second > 60 || day < 1) return undefined;
  // setUTCFullYear, not Date.UTC: Date.UTC reads the years 0000-0099 as 1900-1999.
  const date = new Date(0);
  date.setUTCFullYear(year, monthIndex, day);
  // Reject dates that would roll over, such as 31 Feb.
  if (date.getUTCDate() !== day) return undefined;
  return date.getTime() + ((hour * 60 + minute) * 60 + second) * 1000;
}

// OWS is only SP and HTAB (§5.6.3); String.prototype.trim would also strip NBSP, CR, LF.
function trimOws(value: string): string {
  return value.replace(/^[ \t]+|[ \t]+$/g, '');
}

/**
 * Returns the instant (ms since the epoch) named by an HTTP-date, or undefined when the
 * value is not one of the three formats. Nothing else is a date here: `Date.parse`
 * would accept "0", ISO strings and local-time forms.
 */
export function parseHttpDate(value: string, now: number = Date.now()): number | undefined {
  const text = trimOws(value);
  let match = IMF_FIXDATE.exec(text);
  if (match) return toTime(Number(match[4]), match[3]!, Number(match[2]), match[5]!, match[6]!, match[7]!);
  match = RFC850_DATE.exec(text);
  if (match) {
    // §5.6.7: a two-digit year more than 50 years in the future is the most recent past year with those digits.
    const currentYear = new Date(now).getUTCFullYear();
    let year = Math.floor(currentYear / 100) * 100 + Number(match[4]);
    if (year > currentYear + 50) year -= 100;
    return toTime(year, match[3]!, Number(match[2]), match[5]!, match[6]!, match[7]!);
  }
  match = ASCTIME_DATE.exec(text);
  if (match) return toTime(Number(match[7]), match[2]!, Number(match[3]!.trim()), match[4]!, match[5]!, match[6]!);
  return undefined;
}

/** Formats an instant as IMF-fixdate, the form a sender must generate (§5.6.7). */
export function formatHttpDate(time: number): string {
  return new Date(time).toUTCString();
}

/** HTTP dates have one-second resolution; comparisons happen on whole seconds. */
export function toHttpSeconds(time: number): number {
  return Math.floor(time / 1000);
}
