/**
 * redirect_uri values that are not a URI as RFC 3986 spells one, or carry user information: the
 * URL parser would drop or escape their characters, so the address a code goes to would not be the
 * one compared at the token endpoint. Refused by redirect-uri.ts and at PAR alike.
 */
export const NOT_URI_REDIRECTS: readonly string[] = [
  'https://a.example/\r\nSet-Cookie: x=1',
  'https://a.ex\tample/cb',
  'https://a.example/a b',
  'https://지갑.example/cb',
  'http://user:pw@127.0.0.1:9/cb',
  'https://@a.example/cb',
];
