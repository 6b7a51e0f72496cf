/**
 * A RayJob's `spec.runtimeEnvYAML` as KubeRay v1.7.0 reads it: `ValidateRayJobSpec` refuses it
 * unless it is a YAML mapping (`UnmarshalRuntimeEnvYAML`), and the submitter passes it to
 * `ray job submit --runtime-env-json` as JSON (`getRuntimeEnvJson`, common/job.go).
 *
 * The only module of the model that parses YAML (the `yaml` package, pure).
 *
 * @module
 */
import { parse as parseYaml } from 'yaml';
import { goJsonMarshal } from '../kubernetes/go-format';
import { cloneJson, isMap } from '../kubernetes/json';

/** Parses YAML as Go's yaml.v2 does (YAML 1.1: `yes`/`on` are booleans). */
export function parseYaml11(text: string): unknown {
  return parseYaml(text, { version: '1.1' });
}

/** The first line of a parse error's message. */
function firstLine(e: unknown): string {
  return e instanceof Error ? e.message.split('\n')[0] : String(e);
}

/** KubeRay's refusal when the YAML does not parse to a mapping or to nothing (`UnmarshalRuntimeEnvYAML` into a map), else undefined. */
export function runtimeEnvError(text: string): string | undefined {
  let value: unknown;
  try {
    value = parseYaml11(text);
  } catch (e) {
    return `failed to unmarshal RuntimeEnvYAML: ${text}: ${firstLine(e)}`;
  }
  if (value === null || value === undefined || isMap(value)) return undefined;
  return `failed to unmarshal RuntimeEnvYAML: ${text}: the document is not a mapping`;
}

/** Mirrors `getRuntimeEnvJson` for a non-empty `runtimeEnvYAML`: its JSON as Go marshals it, or KubeRay's error. */
export function runtimeEnvJson(text: string): { readonly json: string } | { readonly error: string } {
  try {
    return { json: goJsonMarshal(cloneJson(parseYaml11(text) ?? null)) };
  } catch (e) {
    return { error: `failed to convert runtimeEnvYAML to JSON: ${firstLine(e)}` };
  }
}
