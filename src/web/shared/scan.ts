/**
 * Reads a QR with the camera through the browser's BarcodeDetector (Shape Detection API) when
 * the browser has one (Chrome on Android, Safari 17+ behind a flag…); elsewhere the pages offer
 * pasting the link, which every page also keeps as the keyboard path.
 */
import { h } from './dom.js';
import { t } from './i18n.js';

interface DetectedBarcode {
  rawValue: string;
}
interface BarcodeDetectorLike {
  detect(source: HTMLVideoElement): Promise<DetectedBarcode[]>;
}
type BarcodeDetectorCtor = new (opts: { formats: string[] }) => BarcodeDetectorLike;

const detectorCtor = (): BarcodeDetectorCtor | undefined =>
  (globalThis as unknown as { BarcodeDetector?: BarcodeDetectorCtor }).BarcodeDetector;

export const canScan = (): boolean => detectorCtor() !== undefined && !!navigator.mediaDevices?.getUserMedia;

/** A "scan" button (or nothing when the browser cannot) that calls `onText` with the QR's text. */
export function scanButton(onText: (text: string) => void, onError: (message: string) => void): HTMLElement | null {
  const Ctor = detectorCtor();
  if (!Ctor || !canScan()) return null;
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
          } catch {
            onError(t('카메라를 사용할 수 없습니다. 링크를 붙여 넣으십시오.', 'The camera is not available. Paste the link instead.'));
            return;
          }
          const video = h('video', { class: 'scan-video', muted: true, playsinline: true, 'aria-label': t('카메라 화면', 'Camera view') });
          video.srcObject = stream;
          box.appendChild(video);
          await video.play().catch(() => undefined);
          const detector = new Ctor({ formats: ['qr_code'] });
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
            const found = await detector.detect(video).catch(() => []);
            const text = found[0]?.rawValue;
            if (text) {
              stop?.();
              onText(text);
              return;
            }
            await new Promise((r) => setTimeout(r, 250));
          }
        },
      },
    },
    t('카메라로 스캔', 'Scan with camera'),
  );
  box.prepend(button);
  return box;
}
