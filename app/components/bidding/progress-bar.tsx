import { useEffect, useRef } from "react";

export { formatBytes } from "#app/domain/shared/bytes.ts";

/**
 * A labelled progress bar (uploads, sealing, decryption) that screen readers announce. The bar's
 * width is set through the CSSOM after render, never as a `style` attribute in the markup: the
 * Content-Security-Policy allows no inline styles (decision 26).
 */
export function ProgressBar({ value, max }: { value: number; max: number }) {
  const percent = max > 0 ? Math.min(100, Math.floor((value / max) * 100)) : 0;
  const bar = useRef<HTMLDivElement>(null);
  useEffect(() => {
    bar.current?.style.setProperty("width", `${percent}%`);
  }, [percent]);
  return (
    <div className="progress" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={percent} data-percent={percent}>
      <div className="progress__bar" ref={bar} />
      <span className="progress__label">{percent}%</span>
    </div>
  );
}
