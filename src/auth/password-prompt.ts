// Reading a password for the admin tool: typed at a terminal without echo (twice, to catch a
// typo), or the first line of standard input when that is a pipe or a file.
import type { ReadStream } from 'node:tty';

export async function readPassword(prompt: string, confirm: boolean): Promise<string> {
  const stdin = process.stdin;
  if (!stdin.isTTY) return firstLine(await readAll(stdin));
  const first = await typeHidden(stdin as ReadStream, prompt);
  if (!confirm) return first;
  const second = await typeHidden(stdin as ReadStream, 'Again, to be sure: ');
  if (first !== second) throw new Error('The two passwords differ; nothing was changed.');
  return first;
}

function firstLine(text: string): string {
  return text.split(/\r?\n/, 1)[0] ?? '';
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks).toString('utf8');
}

/** What was typed after the Enter that ended the previous prompt (a pasted second line). */
let typedAhead = '';

/** Raw mode: nothing typed is echoed; Enter ends, Backspace deletes, Ctrl-C and Ctrl-D abort. */
function typeHidden(stdin: ReadStream, prompt: string): Promise<string> {
  // Echo goes off before the prompt shows, so nothing typed in answer to it is ever echoed.
  stdin.setRawMode(true);
  process.stderr.write(prompt);
  return new Promise((resolve, reject) => {
    let typed = '';
    const finish = (error?: Error) => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.off('data', onData);
      process.stderr.write('\n');
      if (error) reject(error);
      else resolve(typed);
    };
    /** True when the prompt is over. */
    const take = (text: string): boolean => {
      const chars = [...text];
      for (const [i, char] of chars.entries()) {
        if (char === '\r' || char === '\n') {
          typedAhead = chars.slice(i + 1).join('').replace(/^\n/, '');
          finish();
          return true;
        }
        if (char === '\u0003' || char === '\u0004') {
          finish(new Error('Cancelled; nothing was changed.'));
          return true;
        }
        if (char === '\u007f' || char === '\b') typed = [...typed].slice(0, -1).join('');
        else if (char >= ' ') typed += char;
      }
      return false;
    };
    const onData = (chunk: Buffer) => void take(chunk.toString('utf8'));
    const ahead = typedAhead;
    typedAhead = '';
    if (take(ahead)) return;
    stdin.resume();
    stdin.on('data', onData);
  });
}
