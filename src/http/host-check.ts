// DNS rebinding defence: a web page on evil.test can point its own name at 127.0.0.1 and then
// talk to a local midair as "same-origin" (no cookie needed in open mode). The browser still
// sends `Host: evil.test`, so a request is served only when its Host names the server the way
// it is meant to be reached: a loopback name, or a host of PUBLIC_URL. RFC 9110 §15.5.20: 421
// is for a request "directed at a server that is unable or unwilling to produce an
// authoritative response for the target URI".
import type { FastifyInstance } from 'fastify';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isIP } from 'node:net';
import { HttpProblem, problemDocument } from './errors.js';
import { NON_DOCUMENT_HEADERS } from './security-headers.js';

export interface HostSettings {
  /** The address the server listens on (HOST). */
  readonly listenHost: string;
  /** PUBLIC_URL: the site's own origins as users reach it, normalized (scheme://host[:port]). */
  readonly publicOrigins: readonly string[];
}

/** The name part of a Host field value (`[::1]:3000` -> `[::1]`), lower case, without a trailing dot. */
export function hostName(host: string): string {
  const name = host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : host.split(':', 1)[0]!;
  return name.toLowerCase().replace(/\.$/, '');
}

/** localhost, *.localhost (RFC 6761 §6.3), 127.0.0.0/8 and [::1]. */
export function isLoopbackName(name: string): boolean {
  if (name === 'localhost' || name.endsWith('.localhost')) return true;
  if (isIP(name) === 4) return name.startsWith('127.');
  return name === '[::1]' || name === '[0:0:0:0:0:0:0:1]';
}

function isLoopbackAddress(address: string): boolean {
  return isLoopbackName(hostName(isIP(address) === 6 ? `[${address}]` : address));
}

export class HostPolicy {
  private readonly publicNames: ReadonlySet<string>;
  /** No PUBLIC_URL and a non-loopback listen address: people reach it by names we cannot know. */
  readonly acceptsAnyHost: boolean;
  /** The Host value last accepted: nearly every request repeats it, so it is not parsed again. */
  private lastAccepted = '';

  constructor(readonly settings: HostSettings) {
    this.publicNames = new Set(settings.publicOrigins.map((origin) => hostName(new URL(origin).host)));
    this.acceptsAnyHost = settings.publicOrigins.length === 0 && !isLoopbackAddress(settings.listenHost);
  }

  /**
   * Whether a request naming `host` is for us. The port is not compared: rebinding swaps the
   * name, and a proxy may or may not pass the public port on. A request without Host
   * (HTTP/1.0) comes from no browser, so there is nothing to rebind.
   */
  accepts(host: string): boolean {
    if (this.acceptsAnyHost || host === '' || host === this.lastAccepted) return true;
    const name = hostName(host);
    const ours = isLoopbackName(name) || this.publicNames.has(name);
    if (ours) this.lastAccepted = host;
    return ours;
  }

  /** What to say at start, when the server cannot tell its own names from another site's. */
  startWarning(): string | undefined {
    if (!this.acceptsAnyHost) return undefined;
    return `Listening on ${this.settings.listenHost} without PUBLIC_URL: requests naming any host are served. ` +
      'Set PUBLIC_URL (e.g. PUBLIC_URL=https://wiki.example.com) to refuse other names (DNS rebinding) and to give the cross-site check the origin users see.';
  }

  /** The 421 for a request naming another host. */
  refusal(host: string): HttpProblem {
    const allowed = ['a loopback name (localhost, 127.0.0.1, [::1])', ...[...this.publicNames].map((name) => `"${name}"`)].join(' or ');
    return new HttpProblem(
      'misdirected-request',
      `This server does not answer for the host "${hostName(host)}"; it answers for ${allowed}. ` +
        'If users reach it by this name, add it to PUBLIC_URL; behind a proxy, pass the Host on (nginx: proxy_set_header Host $http_host).',
    );
  }
}

/**
 * The 421 for a request naming another host, written on Node's response before Fastify sees
 * the request (request-intake.ts): no hook, route, auth or body is involved, so a refused
 * request costs the server nothing, and an accepted one costs one string comparison.
 */
export function refuseMisdirected(policy: HostPolicy, request: IncomingMessage, response: ServerResponse): void {
  const body = Buffer.from(JSON.stringify(problemDocument(policy.refusal(request.headers.host ?? ''), request.url)), 'utf8');
  response.writeHead(421, {
    ...NON_DOCUMENT_HEADERS,
    'cache-control': 'no-store',
    'content-type': 'application/problem+json; charset=utf-8',
    'content-length': body.length,
  });
  response.end(request.method === 'HEAD' ? undefined : body);
}

/**
 * Where requests are checked: none when any host is accepted; in the request intake (before
 * Fastify) on the Host field; behind a trusted proxy, in a Fastify hook on request.host, which
 * is X-Forwarded-Host when the proxy is trusted (TRUST_PROXY) and Host otherwise.
 */
export function installHostCheck(app: FastifyInstance, policy: HostPolicy, trustsProxy: boolean): HostPolicy | undefined {
  const warning = policy.startWarning();
  if (warning !== undefined) app.log.warn(warning);
  if (policy.acceptsAnyHost) return undefined;
  if (!trustsProxy) return policy;
  app.addHook('onRequest', (request, _reply, done) => {
    done(policy.accepts(request.host) ? undefined : policy.refusal(request.host));
  });
  return undefined;
}
