/** A labelled progress bar (uploads, sealing, decryption) that screen readers announce. */
export function ProgressBar({ value, max }: { value: number; max: number }) {
  const percent = max > 0 ? Math.min(100, Math.floor((value / max) * 100)) : 0;
  return (
    <div className="progress" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={percent} data-percent={percent}>
      <div className="progress__bar" style={{ width: `${percent}%` }} />
      <span className="progress__label">{percent}%</span>
    </div>
  );
}

/** 1536 → "1.5 KB"; binary units, as file managers show them. */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ["KB", "MB", "GB", "TB"];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(v >= 100 ? 0 : 1)} ${units[i]}`;
}
