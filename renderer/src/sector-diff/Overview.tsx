// The overview strip: the whole image left to right, mismatches as red ticks (blkverify) and
// orange ticks (whole-image compare), the visible rows as a frame; a click jumps there.
import { useEffect, useRef, useState, type MouseEvent } from 'react';
import { ROW_BYTES, formatSize, hex0x, type MismatchEntry } from './sector-diff-model';

const HEIGHT = 22;

export function Overview({
  length,
  ranges,
  selected,
  viewOffset,
  viewBytes,
  cursor,
  onJump,
}: {
  length: number;
  ranges: readonly MismatchEntry[];
  selected: MismatchEntry | null;
  viewOffset: number;
  viewBytes: number;
  cursor: number;
  onJump: (offset: number) => void;
}) {
  const ref = useRef<HTMLCanvasElement>(null);
  const [width, setWidth] = useState(600);

  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const ro = new ResizeObserver(() => setWidth(Math.max(50, Math.floor(el.clientWidth))));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  useEffect(() => {
    const el = ref.current;
    const ctx = el?.getContext('2d');
    if (!el || !ctx || length <= 0) return;
    const dpr = window.devicePixelRatio || 1;
    el.width = Math.floor(width * dpr);
    el.height = Math.floor(HEIGHT * dpr);
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.fillStyle = '#14161a';
    ctx.fillRect(0, 0, width, HEIGHT);
    const x = (o: number) => (o / length) * width;
    for (const r of ranges) {
      ctx.fillStyle = r.source === 'blkverify' ? '#ff5d52' : '#f0a04a';
      const top = r.source === 'blkverify' ? 2 : HEIGHT / 2;
      ctx.fillRect(Math.floor(x(r.offset)), top, Math.max(1, x(r.bytes)), HEIGHT / 2 - 2);
    }
    if (selected) {
      ctx.strokeStyle = '#ffffff';
      ctx.strokeRect(Math.floor(x(selected.offset)) - 1.5, 0.5, Math.max(3, x(selected.bytes) + 3), HEIGHT - 1);
    }
    ctx.strokeStyle = '#5aa9ff';
    ctx.lineWidth = 1;
    ctx.strokeRect(Math.floor(x(viewOffset)) + 0.5, 0.5, Math.max(2, x(viewBytes)), HEIGHT - 1);
    ctx.fillStyle = '#5aa9ff';
    ctx.fillRect(Math.floor(x(cursor)), 0, 1, HEIGHT);
  }, [width, length, ranges, selected, viewOffset, viewBytes, cursor]);

  const onClick = (e: MouseEvent<HTMLCanvasElement>) => {
    const rect = e.currentTarget.getBoundingClientRect();
    const frac = Math.min(1, Math.max(0, (e.clientX - rect.left) / rect.width));
    const offset = Math.min(length - 1, Math.floor((frac * length) / ROW_BYTES) * ROW_BYTES);
    onJump(Math.max(0, offset));
  };

  return (
    <canvas
      ref={ref}
      className="sd-overview"
      style={{ height: HEIGHT }}
      role="img"
      aria-label="Mismatch overview"
      title={`The whole image (0 – ${hex0x(length)}, ${formatSize(length)}): red = blkverify mismatches, orange = compare results; click to jump`}
      data-ranges={ranges.length}
      onClick={onClick}
    />
  );
}
