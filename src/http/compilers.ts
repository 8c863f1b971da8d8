/**
 * The /v1 routes' schema compilers: one validator and one serializer per
 * schema, built by the factories fastify itself uses (@fastify/ajv-compiler,
 * @fastify/fast-json-stringify-compiler) with the service's ajv options.
 *
 * The fastify routes get them through `validatorCompiler` / `serializerCompiler`,
 * and the mint lane (lane.ts) calls the very same functions, so a body is
 * checked, and an answer written, identically whichever of the two serves it.
 */
import { AjvCompiler } from '@fastify/ajv-compiler'
import { SerializerSelector } from '@fastify/fast-json-stringify-compiler'
import type { FastifySchemaValidationError } from 'fastify'

/** Bodies are checked as sent: no coercion ("5" is not 5), unknown fields are errors, not silently dropped. */
export const AJV_CUSTOM_OPTIONS = { coerceTypes: false, removeAdditional: false, allErrors: false } as const

/** One ajv error, as fastify types it. */
export type AjvErrorObject = FastifySchemaValidationError

/** An ajv validate function: true, or false with `errors` set. */
export interface Validator {
  (data: unknown): boolean
  errors?: AjvErrorObject[] | null
}
export type Serializer = (value: unknown) => string

type RouteSchemaInput = { schema: object; method: string; url: string; httpPart?: string; httpStatus?: string }

const buildValidator = AjvCompiler()({}, { customOptions: AJV_CUSTOM_OPTIONS }) as unknown as (input: RouteSchemaInput) => Validator
const buildSerializer = SerializerSelector()({}, {}) as unknown as (input: RouteSchemaInput) => Serializer

const validators = new Map<object, Validator>()
const serializers = new Map<object, Serializer>()

/** The compiled validator of `schema` (compiled once, whoever asks). */
export function validatorFor(schema: object): Validator {
  let validate = validators.get(schema)
  if (!validate) validators.set(schema, (validate = buildValidator({ schema, method: '', url: '' })))
  return validate
}

/** The compiled serializer of `schema` (compiled once, whoever asks). */
export function serializerFor(schema: object): Serializer {
  let serialize = serializers.get(schema)
  if (!serialize) serializers.set(schema, (serialize = buildSerializer({ schema, method: '', url: '' })))
  return serialize
}

/** For a fastify route's options: its schemas compiled through the shared functions above. */
export const sharedCompilers = {
  validatorCompiler: ({ schema }: { schema: object }) => validatorFor(schema),
  serializerCompiler: ({ schema }: { schema: object }) => serializerFor(schema),
}
