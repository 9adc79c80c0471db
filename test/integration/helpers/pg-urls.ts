/** Where the tests find PostgreSQL (STACK.md: the default works with .ci/run's set-up). */
export const DEFAULT_TEST_DATABASE_URL = "postgres://postgres:postgres@127.0.0.1:5432/postgres";
/** One template per test run (the main process's pid), so two runs on one server do not collide. */
export const TEMPLATE_DB = `bidhall_test_template_${process.pid}`;

export function testDatabaseUrl(): string {
  return process.env.TEST_DATABASE_URL || DEFAULT_TEST_DATABASE_URL;
}

/** The same server and credentials, another database. */
export function withDatabase(name: string): string {
  const url = new URL(testDatabaseUrl());
  url.pathname = `/${name}`;
  return url.toString();
}

export function adminUrl(): string {
  return testDatabaseUrl();
}
