// A port that cannot be had is an operator's problem with an operator's fix: one line that
// names the port and the setting, not a stack trace.
import type { Config } from './config.js';

/** The exit code of a process that could not listen; the --workers primary stops on it rather than restart. */
export const EXIT_CANNOT_LISTEN = 3;

/** The one line for a listen error, or undefined when the error is something else. */
export function cannotListen(error: unknown, config: Config): string | undefined {
  const { code, port } = (error ?? {}) as { code?: unknown; port?: unknown };
  if (code !== 'EADDRINUSE' && code !== 'EACCES') return undefined;
  const number = typeof port === 'number' ? port : config.port;
  const flag = config.metricsPort !== undefined && number === config.metricsPort ? '--metrics-port' : '--port';
  const why = code === 'EADDRINUSE' ? 'is already in use (EADDRINUSE)' : 'may not be used by this user (EACCES)';
  return `midair: port ${number} on ${config.host} ${why}; choose another with ${flag}`;
}
