// A process that opens a PostgreSQL store (migrating it and converting what the migration left
// to the store) and then waits to be killed (test/search-index-migration.test.ts kills it
// with SIGKILL while it converts).
import { openPostgresStore } from '../../src/storage/postgres/postgres-store.js';

const [url, schema] = process.argv.slice(2);
if (url === undefined || schema === undefined) throw new Error('usage: opening-postgres-process.ts URL SCHEMA');
await openPostgresStore({ url, schema, compaction: { background: false } });
console.log('open');
setInterval(() => undefined, 1000);
