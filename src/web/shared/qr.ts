/** QR codes drawn on a canvas with the `qrcode` package (bundled; no third-party host). */
import QRCode from 'qrcode';
import { h } from './dom.js';

export type Ecl = 'L' | 'M' | 'Q' | 'H';

/** A canvas with the QR of `text`, or null when it is too long for any QR at this level. */
export async function qrCanvas(text: string, label: string, ecl: Ecl = 'M', scale = 4): Promise<HTMLCanvasElement | null> {
  const canvas = h('canvas', { class: 'qr', role: 'img', 'aria-label': label });
  try {
    await QRCode.toCanvas(canvas, text, { errorCorrectionLevel: ecl, margin: 4, scale });
  } catch {
    return null; // more data than a version-40 QR holds
  }
  return canvas;
}
