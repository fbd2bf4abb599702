/** What an offer (and so its access token) covers: one or more credential configurations (issue 18). */
import type { VciOfferRecord } from '../store/repositories/vci-repo.js';

export function coveredConfigurations(offer: Pick<VciOfferRecord, 'configuration_id' | 'configuration_ids'>): string[] {
  if (offer.configuration_ids === null) return [offer.configuration_id];
  const ids = JSON.parse(offer.configuration_ids) as unknown;
  return Array.isArray(ids) && ids.every((i) => typeof i === 'string') ? ids : [offer.configuration_id];
}
