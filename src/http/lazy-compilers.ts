import AjvCompiler from '@fastify/ajv-compiler';
import SerializerSelector from '@fastify/fast-json-stringify-compiler';

type Validate = ((data: unknown) => boolean) & { errors?: unknown };
type Serialize = (data: unknown) => string;
type RouteSchema = { schema: unknown; method: string; url: string; httpPart?: string; httpStatus?: string };
type ValidatorFactory = (externalSchemas: unknown, options: unknown) => (route: RouteSchema) => Validate;
type SerializerFactory = (externalSchemas: unknown, options: unknown) => (route: RouteSchema) => Serialize;

/**
 * Fastify's own compilers (the same ajv and fast-json-stringify, the same options and shared
 * schemas), but each route's validator and serializer is compiled on its first use instead of
 * at start: compiling every schema up front was ~0.5 s of the cold start (measured with
 * --cpu-prof), and most routes are not called in a node's first second.
 */
export function lazyCompilersFactory() {
  const buildValidator = (AjvCompiler as unknown as () => ValidatorFactory)();
  const buildSerializer = (SerializerSelector as unknown as () => SerializerFactory)();
  return {
    buildValidator: (externalSchemas: unknown, options: unknown) => {
      // The Ajv instance itself (formats, every shared schema added: ~20 ms) is made at the first
      // compile too, not when fastify sets up its validators at start.
      let compile: ((route: RouteSchema) => Validate) | undefined;
      return (route: RouteSchema): Validate => {
        let fn: Validate | undefined;
        const lazy: Validate = (data) => {
          fn ??= (compile ??= buildValidator(externalSchemas, options))(route);
          const ok = fn(data);
          lazy.errors = fn.errors;
          return ok;
        };
        return lazy;
      };
    },
    buildSerializer: (externalSchemas: unknown, options: unknown) => {
      const compile = buildSerializer(externalSchemas, options);
      return (route: RouteSchema): Serialize => {
        let fn: Serialize | undefined;
        return (data) => (fn ??= compile(route))(data);
      };
    },
  };
}
