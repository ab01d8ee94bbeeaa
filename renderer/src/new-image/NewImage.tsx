// "New image…" in the top bar: make a raw or qcow2 image in the background (the engine's
// createImage job) with a progress bar and Cancel, and open it when made.
import { useEffect, useId, useState, type FormEvent } from 'react';
import type { CreateImageRequest, SessionEvent } from '../../../src/api';
import { useApi } from '../api-context';
import { formatSize, parseImageSize } from './size';
import './new-image.css';

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

const CLUSTER_SIZES = [512, 4096, 65536, 1 << 20, 2 << 20];

interface Job {
  id: number;
  done: number;
  total: number;
  status: 'running' | 'complete' | 'cancelled' | 'failed';
  message?: string;
}

export function NewImage() {
  const api = useApi();
  const [filename, setFilename] = useState('');
  const [format, setFormat] = useState<'raw' | 'qcow2'>('qcow2');
  const [size, setSize] = useState('1G');
  const [prealloc, setPrealloc] = useState<'off' | 'full'>('off');
  const [cluster, setCluster] = useState(65536);
  const [openWhenMade, setOpenWhenMade] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const [job, setJob] = useState<Job | null>(null);
  const ids = { file: useId(), format: useId(), size: useId(), prealloc: useId(), cluster: useId() };

  useEffect(
    () =>
      api.onEvents((batch) => {
        for (const e of batch.events as SessionEvent[]) {
          if (e.type === 'job-progress') setJob((j) => (j && j.id === e.jobId ? { ...j, done: e.done, total: e.total } : j));
          if (e.type === 'job-done') setJob((j) => (j && j.id === e.jobId ? { ...j, done: e.done, total: e.total, status: e.status, message: e.message } : j));
        }
      }),
    [api],
  );

  const running = job?.status === 'running';
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const bytes = parseImageSize(size);
    if (typeof bytes === 'string') return setError(bytes);
    if (!filename.trim()) return setError('File name: where to make the image (a new file)');
    setError(null);
    const req: CreateImageRequest = { filename: filename.trim(), format, size: bytes, open: openWhenMade };
    if (format === 'raw') req.preallocation = prealloc;
    else req.clusterSize = cluster;
    try {
      const { jobId } = await api.createImage(req);
      setJob({ id: jobId, done: 0, total: bytes, status: 'running' });
    } catch (err) {
      setError(message(err));
    }
  };

  const pct = job && job.total > 0 ? Math.floor((job.done / job.total) * 100) : 0;
  return (
    <details className="new-image">
      <summary>New image…</summary>
      <form className="new-image-body" aria-label="New image" onSubmit={(e) => void submit(e)}>
        <label htmlFor={ids.file}>File name</label>
        <input id={ids.file} value={filename} onChange={(e) => setFilename(e.target.value)} placeholder="/path/to/disk.qcow2" spellCheck={false} />
        <label htmlFor={ids.format}>Format</label>
        <select id={ids.format} value={format} onChange={(e) => setFormat(e.target.value as 'raw' | 'qcow2')}>
          <option value="qcow2">qcow2</option>
          <option value="raw">raw</option>
        </select>
        <label htmlFor={ids.size}>Size</label>
        <input id={ids.size} value={size} onChange={(e) => setSize(e.target.value)} placeholder="64M" spellCheck={false} />
        {format === 'raw' ? (
          <>
            <label htmlFor={ids.prealloc}>Preallocation</label>
            <select id={ids.prealloc} value={prealloc} onChange={(e) => setPrealloc(e.target.value as 'off' | 'full')}>
              <option value="off">off (sparse)</option>
              <option value="full">full (write every byte)</option>
            </select>
          </>
        ) : (
          <>
            <label htmlFor={ids.cluster}>Cluster size</label>
            <select id={ids.cluster} value={cluster} onChange={(e) => setCluster(Number(e.target.value))}>
              {CLUSTER_SIZES.map((c) => (
                <option key={c} value={c}>
                  {formatSize(c)}
                </option>
              ))}
            </select>
          </>
        )}
        <label className="new-image-check">
          <input type="checkbox" checked={openWhenMade} onChange={(e) => setOpenWhenMade(e.target.checked)} /> Open when made
        </label>
        <div className="new-image-actions">
          <button type="submit" disabled={running}>
            Create image
          </button>
          {running && (
            <button type="button" onClick={() => void api.cancelJob({ jobId: job.id }).catch((err: unknown) => setError(message(err)))}>
              Cancel
            </button>
          )}
        </div>
        {job && (
          <div className="new-image-status">
            <progress aria-label="Creating image" max={100} value={pct} />
            <span role="status">
              {job.status === 'running' && `${pct}% (${formatSize(job.done)} of ${formatSize(job.total)})`}
              {job.status === 'complete' && `Made ${filename}${openWhenMade ? ' and opened it' : ''}.`}
              {job.status === 'cancelled' && 'Cancelled; the half-made file was removed.'}
              {job.status === 'failed' && `Failed: ${job.message ?? 'unknown error'}`}
            </span>
          </div>
        )}
        {error && (
          <p role="alert" className="error">
            {error}
          </p>
        )}
      </form>
    </details>
  );
}
