/**
 * The QR image of a link as our API serves it (an offer's and a verifier request's `qr_svg` /
 * `qr_png`): error correction M, readable from a phone screen at a counter and still a small
 * symbol; margin 2; PNG at scale 6. `qrcode` is loaded at the first render, not at start (cold
 * start to /readyz).
 */
export type QrKind = 'svg' | 'png';

const loadQrCode = () => import('qrcode').then((m) => m.default);

export async function renderLinkQr(link: string, kind: 'svg'): Promise<string>;
export async function renderLinkQr(link: string, kind: 'png'): Promise<Buffer>;
export async function renderLinkQr(link: string, kind: QrKind): Promise<string | Buffer>;
export async function renderLinkQr(link: string, kind: QrKind): Promise<string | Buffer> {
  const QRCode = await loadQrCode();
  if (kind === 'svg') return QRCode.toString(link, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
  return QRCode.toBuffer(link, { type: 'png', errorCorrectionLevel: 'M', margin: 2, scale: 6 });
}
