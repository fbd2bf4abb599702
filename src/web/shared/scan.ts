/**
 * Reads a QR with the camera: through the browser's BarcodeDetector (Shape Detection API) where
 * there is one (Chrome on Android and macOS, Safari…), else by decoding video frames with jsQR
 * (bundled into the page: no CDN, nothing outside the page's Content-Security-Policy), so the
 * camera works in every current browser (desktop Chrome on Linux and Windows, Firefox). Pasting
 * the text stays as the keyboard path on every page. A refused camera permission, or no camera,
 * is said in words, with the paste path to fall back on.
 */
import jsQRModule from 'jsqr';
import { h } from './dom.js';
import { t } from './i18n.js';

interface DetectedBarcode {
  rawValue: string;
}
interface BarcodeDetectorLike {
  detect(source: HTMLVideoElement): Promise<DetectedBarcode[]>;
}
type BarcodeDetectorCtor = new (opts: { formats: string[] }) => BarcodeDetectorLike;
type FrameReader = (video: HTMLVideoElement) => Promise<string | undefined>;

// jsqr is CommonJS whose typings declare an ES default export: the function is the module itself
// and also its `default`; take whichever the bundler hands over.
type JsQr = typeof import('jsqr').default;
const jsQR: JsQr = (jsQRModule as unknown as { default?: JsQr }).default ?? (jsQRModule as unknown as JsQr);

const detectorCtor = (): BarcodeDetectorCtor | undefined =>
  (globalThis as unknown as { BarcodeDetector?: BarcodeDetectorCtor }).BarcodeDetector;

export const canScan = (): boolean => !!navigator.mediaDevices?.getUserMedia;

/** The browser's detector when it has one, else jsQR over the current frame drawn on a canvas. */
function frameReader(): FrameReader {
  const Ctor = detectorCtor();
  if (Ctor) {
    const detector = new Ctor({ formats: ['qr_code'] });
    return async (video) => (await detector.detect(video).catch(() => []))[0]?.rawValue;
  }
  const canvas = document.createElement('canvas');
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  return async (video) => {
    if (!ctx || video.videoWidth === 0) return undefined;
    canvas.width = video.videoWidth;
    canvas.height = video.videoHeight;
    ctx.drawImage(video, 0, 0);
    const frame = ctx.getImageData(0, 0, canvas.width, canvas.height);
    return jsQR(frame.data, frame.width, frame.height, { inversionAttempts: 'attemptBoth' })?.data || undefined;
  };
}

/** Why the camera did not start, in words a person can act on. */
function cameraProblem(err: unknown): string {
  const name = err instanceof DOMException ? err.name : '';
  if (name === 'NotAllowedError' || name === 'SecurityError')
    return t(
      '카메라 사용이 허용되지 않았습니다. 브라우저 주소창의 카메라 권한을 허용하거나, 내용을 붙여 넣으십시오.',
      'Camera access was not allowed. Allow the camera in the browser’s address bar, or paste the text instead.',
    );
  if (name === 'NotFoundError' || name === 'OverconstrainedError')
    return t('카메라를 찾을 수 없습니다. 내용을 붙여 넣으십시오.', 'No camera was found. Paste the text instead.');
  return t('카메라를 사용할 수 없습니다. 내용을 붙여 넣으십시오.', 'The camera is not available. Paste the text instead.');
}

/** A "scan" button (or nothing when the browser has no camera API) that calls `onText` with the QR's text. */
export function scanButton(onText: (text: string) => void, onError: (message: string) => void): HTMLElement | null {
  if (!canScan()) return null;
  const box = h('div', { class: 'scan' });
  let stop: (() => void) | undefined;
  const button = h(
    'button',
    {
      type: 'button',
      class: 'secondary',
      on: {
        click: async () => {
          if (stop) return stop();
          let stream: MediaStream;
          try {
            stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' } });
          } catch (err) {
            onError(cameraProblem(err));
            return;
          }
          const video = h('video', { class: 'scan-video', muted: true, playsinline: true, 'aria-label': t('카메라 화면', 'Camera view') });
          video.srcObject = stream;
          box.appendChild(video);
          await video.play().catch(() => undefined);
          const read = frameReader();
          let running = true;
          stop = () => {
            running = false;
            stream.getTracks().forEach((tr) => tr.stop());
            video.remove();
            stop = undefined;
            button.textContent = t('카메라로 스캔', 'Scan with camera');
          };
          button.textContent = t('스캔 멈추기', 'Stop scanning');
          while (running) {
            const text = await read(video);
            if (text) {
              stop?.();
              onText(text);
              return;
            }
            // A frame every 150 ms: a screen QR is read well under a second, the CPU stays calm.
            await new Promise((r) => setTimeout(r, 150));
          }
        },
      },
    },
    t('카메라로 스캔', 'Scan with camera'),
  );
  box.prepend(button);
  return box;
}
