/**
 * The published JSON Schemas (schemas/*.schema.json), compiled with a real validator (Ajv, JSON
 * Schema 2020-12, formats checked) so tests hold every JSON output to the documented contract.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { ROOT } from './cli.js';

export const SCHEMA_DIR = join(ROOT, 'schemas');

export const SCHEMA_NAMES = readdirSync(SCHEMA_DIR)
  .filter((name) => name.endsWith('.schema.json'))
  .map((name) => name.slice(0, -'.schema.json'.length))
  .sort();

const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true });
// ajv-formats is CommonJS; under NodeNext its default import is the module object.
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule) as unknown as (a: Ajv2020) => void;
addFormats(ajv);

const compiled = new Map<string, ValidateFunction>();

export function schemaValidator(name: string): ValidateFunction {
  let validate = compiled.get(name);
  if (!validate) {
    const schema = JSON.parse(readFileSync(join(SCHEMA_DIR, `${name}.schema.json`), 'utf8')) as object;
    validate = ajv.compile(schema);
    compiled.set(name, validate);
  }
  return validate;
}

/** Validation errors as readable lines; empty when the value matches the schema. */
export function schemaErrors(name: string, value: unknown): string[] {
  const validate = schemaValidator(name);
  if (validate(value)) return [];
  return (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`);
}
