// The published schema/report.schema.json, compiled by a real validator (ajv, with formats).

import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import formats from 'ajv-formats';

const SCHEMA = JSON.parse(readFileSync(new URL('../../schema/report.schema.json', import.meta.url), 'utf8')) as object;

/** ajv-formats is CommonJS: its plugin is the module itself (and also its `default`). */
const addFormats = ((formats as unknown as { default?: unknown }).default ?? formats) as unknown as (a: Ajv) => Ajv;

/** true, or ajv's errors (so a failed expectation shows them). */
export function schemaCheck(): (doc: unknown) => true | unknown[] {
  const ajv = new Ajv({ allErrors: true, strict: true });
  addFormats(ajv);
  const validate = ajv.compile(SCHEMA);
  return (doc) => (validate(doc) ? true : (validate.errors ?? []));
}
