import { ERROR_CATALOGUE, ERROR_CODES } from '../errors.js';

/**
 * The error catalogue as a Markdown table for the OpenAPI document (rendered by Swagger UI at
 * /docs): every code a caller can meet, with its statuses and meaning, from the one catalogue.
 */
export function errorCodeTable(): string {
  const rows = ERROR_CODES.map((code) => {
    const e = ERROR_CATALOGUE[code];
    const status = e.http.length > 0 ? e.http.join(', ') : '(in a result)';
    return `| \`${code}\` | ${status} | ${e.area} | ${e.en.replaceAll('|', '\\|')} |`;
  });
  return ['| code | status | area | meaning |', '| --- | --- | --- | --- |', ...rows].join('\n');
}
