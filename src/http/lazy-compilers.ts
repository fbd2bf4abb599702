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
      // compile too, not when fastify sets up its validators at start. Its options and the shared
      // schemas are fixed in the code (no setting reaches them), so a failure to make it fails
      // every test that sends a body; should it happen anyway, it is made once and the same
      // error thrown to every request (a 500, logged), not made again for each.
      let compile: ((route: RouteSchema) => Validate) | undefined;
      let failed: unknown;
      const compiler = (): ((route: RouteSchema) => Validate) => {
        if (failed !== undefined) throw failed;
        try {
          return (compile ??= buildValidator(externalSchemas, options));
        } catch (e) {
          failed = e;
          throw e;
        }
      };
      return (route: RouteSchema): Validate => {
        let fn: Validate | undefined;
        const lazy: Validate = (data) => {
          fn ??= compiler()(route);
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
