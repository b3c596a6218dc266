// Reading data we wrote earlier, or that something else damaged (issue 13): keep every part that is still valid.
import { z } from 'zod'

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

/**
 * What can be kept of `raw` under `schema`: the value when valid; otherwise, for an object, its valid fields (bad
 * ones dropped), for a record or a list, its valid entries; otherwise undefined. Every part dropped is named in `issues`
 * (by path, never by value: values may be personal). Never throws.
 */
export function salvage<T>(schema: z.ZodType<T>, raw: unknown, path: string, issues: string[]): T | undefined {
  const whole = schema.safeParse(raw)
  if (whole.success) return whole.data
  const inner = schema instanceof z.ZodOptional || schema instanceof z.ZodNullable ? schema.unwrap() : schema
  if (inner instanceof z.ZodObject && isPlainObject(raw)) {
    const kept: Record<string, unknown> = {}
    for (const [key, field] of Object.entries(inner.shape as Record<string, z.ZodType>)) {
      if (!Object.prototype.hasOwnProperty.call(raw, key)) continue
      const v = salvage(field, raw[key], `${path}.${key}`, issues)
      if (v !== undefined) kept[key] = v
    }
    const again = inner.safeParse(kept)
    if (again.success) return again.data as T
  } else if (inner instanceof z.ZodRecord && isPlainObject(raw)) {
    const key = inner.keyType as z.ZodType
    const value = inner.valueType as z.ZodType
    const kept = Object.entries(raw).filter(([k, v]) => key.safeParse(k).success && value.safeParse(v).success)
    const again = inner.safeParse(Object.fromEntries(kept))
    if (again.success) {
      issues.push(`${path}{}`)
      return again.data as T
    }
  } else if (inner instanceof z.ZodArray && Array.isArray(raw)) {
    const element = inner.element as z.ZodType
    const again = inner.safeParse(raw.filter((item) => element.safeParse(item).success))
    if (again.success) {
      issues.push(`${path}[]`)
      return again.data as T
    }
  }
  issues.push(path)
  return undefined
}
