/**
 * OpenID4VCI 1.0 over HTTP: issuer metadata, offers (our API, issuer clients), the offer by
 * reference and its QR codes, and the wallet-facing token, nonce and credential endpoints.
 * Wallet-facing endpoints answer errors in the OAuth shape with the spec's codes. Routes only
 * parse and map; the rules live in src/issuance/.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppDeps } from '../../app.js';
import { authenticated, clientOf } from '../auth.js';
import { problemResponses, oauthErrorResponses } from '../api-schemas.js';
import { createOffer } from '../../issuance/create-offer.js';
import { readCredentialOffer } from '../../issuance/read-credential-offer.js';
import { renderOfferQr } from '../../issuance/render-offer-qr.js';
import { redeemPreAuthorizedCode } from '../../issuance/redeem-pre-authorized-code.js';
import { createNonce, type NonceDeps } from '../../issuance/create-nonce.js';
import { authorizeBoundAccessToken, issueOfferedCredentials } from '../../issuance/issue-offered-credentials.js';
import type { DpopVerifier } from '../../issuance/dpop/verify-dpop.js';
import { encryptCredentialResponse, readResponseEncryption } from '../../issuance/response-encryption/credential-response-encryption.js';
import { checkTokenSender, checkCredentialSender } from '../../issuance/sender-checks.js';
import { checkPlainRequest, requestEncryptionMetadata } from '../../issuance/request-encryption/open-credential-request.js';
import { installEncryptedRequestParser } from '../encrypted-request-body.js';
import type { VciOfferRecord } from '../../store/repositories/vci-repo.js';
import { buildAuthorizationServerMetadata, buildIssuerMetadata, VCI_PATHS } from '../../issuance/build-issuer-metadata.js';
import { credentialError, tokenError } from '../../issuance/vci-errors.js';
import type { ApiBody } from '../api-body-types.js';
import { accessTokenOf } from '../access-token-of.js';
import { AUTHORIZATION_CODE_GRANT } from '../../issuance/authorization/authorization-deps.js';
import { redeemAuthorizationCode } from '../../issuance/authorization/redeem-authorization-code.js';
import { redeemRefreshToken, REFRESH_TOKEN_GRANT } from '../../issuance/refresh/redeem-refresh-token.js';
import { publicCors, publicCorsPreflight } from '../public-cors.js';
import { PreparedJson, PreparedJsonCache, sendPreparedJson } from '../prepared-json.js';
import { isFormRequest } from '../form-body.js';
import { isJsonRequest } from '../json-body.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Log the route pattern, not the path: the path holds a secret (an offer reference). */
    logRoute?: boolean;
  }
}

const REF_PARAMS = {
  type: 'object',
  required: ['ref'],
  properties: { ref: { type: 'string', pattern: '^[A-Za-z0-9_-]{43}$', description: 'secret offer reference' } },
} as const;

export async function openid4vciRoutes(app: FastifyInstance, deps: AppDeps & { dpop: DpopVerifier }): Promise<void> {
  const { publicUrl } = deps.config;
  const { dpop } = deps;

  // §12.2.2: metadata at /.well-known/openid-credential-issuer, application/json.
  const issuerMetadata = buildIssuerMetadata(deps.catalog, {
    publicUrl,
    signingAlgs: [deps.config.keyAlg],
    batchSize: deps.config.batchSize,
    keyAttestationRequired: deps.config.keyAttestationRequired,
    authorizationCode: deps.config.authorizationCode !== undefined,
    attestationProofType: deps.walletProviders.keys.length + deps.walletProviders.anchors.length > 0,
  });
  // §12.2.4 credential_request_encryption: the keys live in the store (rotation on any node); read at
  // most once per KEY_REFRESH_MS here.
  let requestEncryption: { at: number; value: Promise<Awaited<ReturnType<typeof requestEncryptionMetadata>>> } | undefined;
  const currentRequestEncryption = () => {
    const now = deps.clock.now();
    if (!requestEncryption || now - requestEncryption.at >= deps.config.keyRefreshMs) {
      const value = requestEncryptionMetadata(deps);
      requestEncryption = { at: now, value };
      value.catch(() => (requestEncryption = undefined));
    }
    return requestEncryption.value;
  };
  const preparedMetadata = new PreparedJsonCache<unknown>();
  const wasEncrypted = installEncryptedRequestParser(app, { ...deps, log: app.log }, [VCI_PATHS.credential]);
  const nonceDeps: NonceDeps = { store: deps.store, clock: deps.clock, config: deps.config, log: app.log };
  // The two metadata documents are public: a browser-based wallet on another origin reads them (public-cors.ts).
  publicCorsPreflight(app, VCI_PATHS.issuerMetadata);
  publicCorsPreflight(app, VCI_PATHS.authorizationServerMetadata);
  app.get(
    VCI_PATHS.issuerMetadata,
    {
      onRequest: publicCors,
      schema: {
        tags: ['openid4vci'],
        summary: 'Credential Issuer Metadata (OpenID4VCI §12.2), generated from the catalogue',
        response: { 200: { type: 'object', additionalProperties: true } },
      },
    },
    async (request, reply) => {
      const credential_request_encryption = await currentRequestEncryption();
      // Serialized again only when the request-encryption keys are read again (KEY_REFRESH_MS).
      const prepared = preparedMetadata.get(credential_request_encryption, () =>
        reply.serialize({ ...issuerMetadata, credential_request_encryption }),
      );
      reply.header('cache-control', 'public, max-age=300');
      return sendPreparedJson(request, reply, prepared);
    },
  );

  // RFC 8414 §3 + OpenID4VCI §12.3.
  const asMetadata = buildAuthorizationServerMetadata(
    publicUrl,
    deps.config.authorizationCode && { scopes: Object.keys(issuerMetadata.credential_configurations_supported) },
    {
      walletAttestation: deps.walletProviders.keys.length + deps.walletProviders.anchors.length > 0,
      refreshTokens: deps.config.refreshTokenTtlSeconds > 0,
    },
  );
  let preparedAsMetadata: PreparedJson | undefined;
  app.get(
    VCI_PATHS.authorizationServerMetadata,
    {
      onRequest: publicCors,
      schema: {
        tags: ['openid4vci'],
        summary: 'OAuth 2.0 Authorization Server Metadata (RFC 8414) with the pre-authorized grant',
        response: { 200: { type: 'object', additionalProperties: true } },
      },
    },
    async (request, reply) => {
      preparedAsMetadata ??= new PreparedJson(reply.serialize(asMetadata));
      reply.header('cache-control', 'public, max-age=300');
      return sendPreparedJson(request, reply, preparedAsMetadata);
    },
  );

  app.post<{ Body: ApiBody<'OfferCreate'> }>(
    '/v1/offers',
    {
      ...authenticated(deps.store, ['issuer'], {
        tags: ['openid4vci'],
        summary: 'Create a credential offer for a wallet (pre-authorized code, optional tx_code); returns the offer link and QR URLs',
        body: { $ref: 'OfferCreate#' },
        response: { 201: { $ref: 'OfferCreated#' }, ...problemResponses(400, 401, 403, 413, 429, 503) },
      }),
      // Claims may carry a portrait.
      bodyLimit: deps.config.bodyLimit,
    },
    async (request, reply) => {
      const b = request.body;
      const o = await createOffer(deps, clientOf(request), {
        type: b.type,
        claims: b.claims,
        format: b.format,
        formats: b.formats,
        txCode: b.tx_code,
        deferred: b.deferred,
        authorizationCode: b.grant === 'authorization_code',
      });
      reply.header('cache-control', 'no-store');
      return reply.code(201).send({
        id: o.id,
        credential_offer_uri: o.credentialOfferUri,
        offer: o.offerLink,
        qr_svg: `${o.credentialOfferUri}/qr.svg`,
        qr_png: `${o.credentialOfferUri}/qr.png`,
        ...(o.txCode !== undefined && { tx_code: o.txCode }),
        expires_at: new Date(o.expiresAt).toISOString(),
      });
    },
  );

  // §4.1.3: the Credential Offer object by reference, application/json.
  app.get<{ Params: { ref: string } }>(
    `${VCI_PATHS.offer}/:ref`,
    {
      config: { errorShape: 'oauth', logRoute: true, anonymousLimit: { reference: 'offer' } },
      schema: {
        tags: ['openid4vci'],
        summary: 'Credential Offer object by reference (OpenID4VCI §4.1.3)',
        params: REF_PARAMS,
        response: { 200: { type: 'object', additionalProperties: true }, ...oauthErrorResponses(400, 404, 429) },
      },
    },
    async (request, reply) => {
      const offer = await readCredentialOffer(deps, request.params.ref);
      reply.header('cache-control', 'no-store');
      return offer;
    },
  );

  for (const kind of ['svg', 'png'] as const) {
    app.get<{ Params: { ref: string } }>(
      `${VCI_PATHS.offer}/:ref/qr.${kind}`,
      {
        config: { errorShape: 'oauth', logRoute: true, anonymousLimit: { reference: 'offer' } },
        schema: {
          tags: ['openid4vci'],
          summary: `The offer link as a ${kind.toUpperCase()} QR code`,
          params: REF_PARAMS,
          response: {
            200: { description: `image/${kind === 'svg' ? 'svg+xml' : 'png'}`, type: 'string' },
            ...oauthErrorResponses(400, 404, 429),
          },
        },
      },
      async (request, reply) => {
        const image = await renderOfferQr(deps, request.params.ref, kind);
        reply.header('cache-control', 'no-store').type(kind === 'svg' ? 'image/svg+xml' : 'image/png');
        return reply.send(image);
      },
    );
  }

  // §6: token endpoint, application/x-www-form-urlencoded (RFC 6749 §4.1.3).
  app.post<{ Body: Record<string, unknown> }>(
    VCI_PATHS.token,
    {
      config: { errorShape: 'oauth', oauthDefaultError: 'invalid_request', anonymousLimit: { reference: 'pre_authorized_code' } },
      schema: {
        tags: ['openid4vci'],
        summary:
          'Token endpoint: pre-authorized code (+ tx_code), authorization code (OIDC_ISSUER set) or refresh token (REFRESH_TOKEN_TTL_SECONDS above 0) for an access token (OpenID4VCI §6, RFC 6749 §6)',
        consumes: ['application/x-www-form-urlencoded'],
        body: { $ref: 'TokenRequest#' },
        response: { 200: { $ref: 'TokenResponse#' }, ...oauthErrorResponses(400, 401, 413, 415, 429, 503) },
      },
      // The enum above documents; the domain decides (unsupported_grant_type, not a schema error).
      validatorCompiler: () => () => true,
    },
    async (request, reply) => {
      // RFC 6749 §4.1.3: the token request is form-encoded.
      if (!isFormRequest(request.headers['content-type']))
        throw tokenError(
          'invalid_request',
          'send the token request as application/x-www-form-urlencoded',
          '토큰 요청은 폼 형식(application/x-www-form-urlencoded)으로 보내십시오.',
        );
      const form = (request.body ?? {}) as Record<string, unknown>;
      // Either grant: RFC 9449 §5 (DPoP) and attest_jwt_client_auth, who is asking, checked before
      // the code is touched; the token is bound to the DPoP key. The Authorization Code grant when
      // the flow is configured (src/issuance/authorization/), else the pre-authorized grant.
      const authorizationCode = form.grant_type === AUTHORIZATION_CODE_GRANT && deps.config.authorizationCode;
      // RFC 6749 §6: the refresh_token grant when REFRESH_TOKEN_TTL_SECONDS issues them.
      const refresh = form.grant_type === REFRESH_TOKEN_GRANT && deps.config.refreshTokenTtlSeconds > 0;
      const sender = await checkTokenSender(deps, dpop, request.headers, form);
      // RFC 9449 §8.2: a nonce for the next proof, taken before the code or refresh token is used:
      // minting one may write to the store, and a fault then must not cost the wallet its grant.
      const nextNonce = sender.dpopJkt !== undefined ? await dpop.nonces.current() : undefined;
      const response = authorizationCode
        ? await redeemAuthorizationCode({ ...deps, config: { ...deps.config, authorizationCode } }, form, sender)
        : refresh
          ? await redeemRefreshToken(deps, form, sender)
          : await redeemPreAuthorizedCode(deps, form, sender);
      // RFC 6749 §5.1: token responses are not cached.
      reply.header('cache-control', 'no-store');
      if (nextNonce !== undefined) reply.header('dpop-nonce', nextNonce);
      return response;
    },
  );

  // §7: nonce endpoint; not a protected resource; Cache-Control: no-store (§7.2).
  app.post(
    VCI_PATHS.nonce,
    {
      // Anonymous (§7): only the per-address ceiling applies.
      config: { errorShape: 'oauth', anonymousLimit: {} },
      schema: {
        tags: ['openid4vci'],
        summary: 'A fresh c_nonce for key proofs (OpenID4VCI §7)',
        response: { 200: { $ref: 'NonceResponse#' }, ...oauthErrorResponses(429, 503) },
      },
    },
    async (_request, reply) => {
      const { c_nonce } = await createNonce(nonceDeps);
      // OpenID4VCI §7.2: the issuer MAY provide a DPoP nonce here (RFC 9449 §8.2).
      reply.header('cache-control', 'no-store').header('dpop-nonce', await dpop.nonces.current());
      return { c_nonce };
    },
  );

  // §8: credential endpoint, Bearer access token in the Authorization header only.
  // The access token is checked before the body is read (onRequest: Fastify reads no body before
  // preParsing), so an anonymous request costs a header check and two indexed reads, never a parse.
  const authorized = new WeakMap<FastifyRequest, { token: string; offer: VciOfferRecord; dpopJkt: string | null }>();
  const authorizeBearer = async (request: FastifyRequest): Promise<void> => {
    // RFC 6750 §2.3 / RFC 9700 §2.4.2: never an access token in a URI (access-token-of.ts).
    const { scheme, token } = accessTokenOf(request);
    const { offer, dpopJkt } = await authorizeBoundAccessToken(deps, token, deps.clock.now());
    // RFC 9449 §7: a DPoP-bound token comes with a proof by its key (and `ath`), never as Bearer.
    await checkCredentialSender(deps, dpop, request.headers, { scheme, token, dpopJkt });
    authorized.set(request, { token, offer, dpopJkt });
  };
  app.post<{ Body: unknown; Querystring: Record<string, unknown> }>(
    VCI_PATHS.credential,
    {
      config: {
        errorShape: 'oauth',
        oauthDefaultError: 'invalid_credential_request',
        bearerChallenge: true,
        anonymousLimit: { reference: 'access_token' },
      },
      onRequest: [authorizeBearer],
      // Room for BATCH_SIZE proofs of up to 4 kB each, within BODY_LIMIT.
      bodyLimit: Math.min(deps.config.bodyLimit, Math.max(deps.config.smallBodyLimit, deps.config.batchSize * 4096)),
      schema: {
        tags: ['openid4vci'],
        summary:
          'Credential endpoint: one credential per key proof (OpenID4VCI §8); the request as JSON or as a JWE (application/jwt, §10)',
        consumes: ['application/json', 'application/jwt'],
        body: { $ref: 'CredentialRequest#' },
        response: {
          200: { $ref: 'CredentialResponse#' },
          202: { $ref: 'DeferredCredentialResponse#' },
          ...oauthErrorResponses(400, 401, 403, 413, 415, 429, 503),
        },
      },
      validatorCompiler: () => () => true,
    },
    async (request, reply) => {
      const bearer = authorized.get(request);
      if (!bearer) throw new Error('credential route ran without its onRequest check');
      // §8.2: an unencrypted credential request is application/json (an encrypted one was opened
      // by the application/jwt parser), and may not ask for an encrypted response.
      if (!wasEncrypted(request)) {
        if (!isJsonRequest(request.headers['content-type']))
          throw credentialError(
            'invalid_credential_request',
            'send the credential request as application/json or, encrypted, application/jwt',
            '증명서 요청은 JSON(application/json)으로, 암호화한 요청은 application/jwt로 보내십시오.',
          );
        checkPlainRequest(deps.config, request.body);
      }
      // §8.2: bad encryption parameters are refused before anything is consumed.
      const encryption = readResponseEncryption(request.body);
      // RFC 9449 §9: the nonce for the wallet's next proof at this resource, taken before anything
      // is consumed (minting one may write to the store).
      if (bearer.dpopJkt !== null) reply.header('dpop-nonce', await dpop.nonces.current());
      const response = await issueOfferedCredentials(deps, bearer.token, request.body, bearer);
      reply.header('cache-control', 'no-store');
      // §8.3: 202 Accepted with transaction_id when issuance is deferred.
      if ('transaction_id' in response) reply.code(202);
      // §8.3 / §10: an encrypted response is a JWE, application/jwt.
      if (encryption) return reply.type('application/jwt').send(await encryptCredentialResponse(response, encryption));
      return 'transaction_id' in response ? reply.send(response) : response;
    },
  );
}
