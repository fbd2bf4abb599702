import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../../app.js';
import { authenticated, clientOf } from '../auth.js';
import { problemResponses } from '../api-schemas.js';
import { issueCredential } from '../../issuance/issue-credential.js';
import { changeCredentialStatus, STATUS_NAMES, type StatusAction } from '../../status/change-credential-status.js';
import type { CredentialRecord } from '../../store/repositories/credentials-repo.js';
import type { ApiClient } from '../../store/repositories/clients-repo.js';
import { badRequest, notFound } from '../../errors.js';
import type { ApiBody } from '../api-body-types.js';

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export const viewCredentialRecord = (
  r: CredentialRecord,
  uriOf: (list: string) => string,
  walletEvent?: { event: string; at: number },
) => ({
  id: r.id,
  type: r.type,
  format: r.format,
  status: STATUS_NAMES[r.status] ?? 'revoked',
  status_list: uriOf(r.status_list),
  status_index: r.status_idx,
  kid: r.kid,
  holder_jkt: r.holder_jkt,
  client_id: r.client_id,
  issued_at: iso(r.issued_at) as string,
  expires_at: iso(r.expires_at) as string,
  status_changed_at: iso(r.status_changed_at),
  credential_hash: r.credential_hash,
  // OpenID4VCI §11: what the wallet reported (credential_accepted, _failure, _deleted), if anything.
  wallet_event: walletEvent ? { event: walletEvent.event, at: iso(walletEvent.at) as string } : null,
});

/** An admin sees every credential; an issuer only those it issued. */
const readableBy = (client: ApiClient, r: CredentialRecord) => client.role === 'admin' || r.client_id === client.id;

const ID_PARAMS = { type: 'object', properties: { id: { type: 'string', maxLength: 64 } }, required: ['id'] } as const;

export async function credentialRoutes(app: FastifyInstance, deps: AppDeps): Promise<void> {
  const issuerDeps = { ...deps, issuer: deps.config.publicUrl, alg: deps.config.keyAlg };
  const uriOf = (list: string) => deps.slots.uriOf(list);
  const errors = problemResponses(400, 401, 403, 404, 409, 429, 503);

  app.post<{ Body: ApiBody<'CredentialIssue'> }>(
    '/v1/credentials',
    {
      ...authenticated(deps.store, ['issuer'], {
        tags: ['issuance'],
        summary: 'Issue a credential (SD-JWT VC or VC-JWT) directly to a back office',
        body: { $ref: 'CredentialIssue#' },
        response: { 201: { $ref: 'CredentialIssued#' }, ...errors, ...problemResponses(413) },
      }),
      // Claims may carry a portrait.
      bodyLimit: deps.config.bodyLimit,
    },
    async (request, reply) => {
      const b = request.body;
      const issued = await issueCredential(issuerDeps, clientOf(request), {
        type: b.type,
        claims: b.claims,
        format: b.format,
        holderJwk: b.holder_jwk,
        validUntil: b.valid_until,
      });
      reply.header('cache-control', 'no-store');
      return reply.code(201).send({ id: issued.id, format: issued.format, credential: issued.credential, status: issued.status });
    },
  );

  app.get<{ Querystring: { type?: string; limit?: string; before?: string } }>(
    '/v1/credentials',
    authenticated(deps.store, ['issuer', 'admin'], {
      tags: ['issuance'],
      summary: 'Issued credentials (metadata only, newest first); an issuer sees its own',
      querystring: {
        type: 'object',
        additionalProperties: false,
        properties: {
          type: { type: 'string', maxLength: 64 },
          // Query values arrive as strings and the app's validator does not coerce types.
          limit: { type: 'string', pattern: '^([1-9][0-9]?|[1-4][0-9]{2}|500)$', description: '1 to 500 (default 50)' },
          before: { type: 'string', maxLength: 64, description: 'id of the last record of the previous page' },
        },
      },
      response: {
        200: {
          type: 'object',
          properties: { items: { type: 'array', items: { $ref: 'CredentialRecord#' } }, next: { type: ['string', 'null'] } },
        },
        ...errors,
      },
    }),
    async (request) => {
      const client = clientOf(request);
      const q = request.query;
      let before: { issuedAt: number; id: string } | undefined;
      if (q.before) {
        const b = await deps.store.credentials.get(q.before);
        // Another issuer's credential is refused exactly like an unknown id (same code, same one
        // lookup): the cursor must not tell an issuer which ids exist elsewhere.
        if (!b || !readableBy(client, b)) throw badRequest('invalid_cursor', 'before must be the id of a credential in this list');
        before = { issuedAt: b.issued_at, id: b.id };
      }
      const limit = q.limit === undefined ? 50 : Number(q.limit);
      const rows = await deps.store.credentials.list({
        clientId: client.role === 'admin' ? undefined : client.id,
        type: q.type,
        limit,
        before,
      });
      const events = await deps.store.vciIssuance.eventsOf(rows.map((r) => r.id));
      return {
        items: rows.map((r) => viewCredentialRecord(r, uriOf, events.get(r.id))),
        next: rows.length === limit ? (rows[rows.length - 1]?.id ?? null) : null,
      };
    },
  );

  app.get<{ Params: { id: string } }>(
    '/v1/credentials/:id',
    authenticated(deps.store, ['issuer', 'admin'], {
      tags: ['issuance'],
      summary: 'One issued credential (metadata only)',
      params: ID_PARAMS,
      response: { 200: { $ref: 'CredentialRecord#' }, ...errors },
    }),
    async (request) => {
      const client = clientOf(request);
      const r = await deps.store.credentials.get(request.params.id);
      if (!r || !readableBy(client, r)) throw notFound('credential_not_found', `no credential ${request.params.id} issued by this client`);
      return viewCredentialRecord(r, uriOf, (await deps.store.vciIssuance.eventsOf([r.id])).get(r.id));
    },
  );

  for (const action of ['suspend', 'reinstate', 'revoke'] as const satisfies readonly StatusAction[]) {
    app.post<{ Params: { id: string }; Body: ApiBody<'StatusChange'> }>(
      `/v1/credentials/:id/${action}`,
      authenticated(deps.store, ['issuer', 'admin'], {
        tags: ['status'],
        summary: `${action[0]?.toUpperCase()}${action.slice(1)} a credential${action === 'revoke' ? ' (final)' : ''}`,
        params: ID_PARAMS,
        body: { $ref: 'StatusChange#' },
        response: { 200: { $ref: 'CredentialRecord#' }, ...errors },
      }),
      async (request) => {
        const r = await changeCredentialStatus(deps, clientOf(request), request.params.id, action, request.body.reason);
        // Visible at once on this node; other nodes notice the list's version within a second.
        deps.statusPublisher.invalidate(r.status_list);
        return viewCredentialRecord(r, uriOf);
      },
    );
  }
}
