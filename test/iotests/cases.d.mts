// Types for cases.mjs.
export type ByteSpec =
  | string
  | {
      size: number;
      fill?: number;
      seq?: boolean;
      text?: string;
      at?: Record<number, string | { text: string } | { fill: number; len: number }>;
    };

/** A prepare step run by the REAL tools: a qemu-io argv, or a qemu-img / qemu-io argv with an expected status. */
export type PrepareStep = string[] | { qemuImg: string[]; status?: number } | { qemuIo: string[]; status?: number };

/** Applied after create (and after prepare): bytes written over the file. */
export interface ImageExtras {
  prepare?: PrepareStep[];
  patch?: { at: number; hex: string }[];
}

export type IoImage = (
  | { name: string; create: string[] }
  | { name: string; bytes: ByteSpec }
  | { name: string; dir: true }
  | { name: string; sparse: { size: number; extents?: Record<number, ByteSpec> } }
) &
  ImageExtras;

export interface IoCase {
  name: string;
  description?: string;
  images: IoImage[];
  files?: Record<string, ByteSpec>;
  argv: string[];
  stdin?: string;
  compareImages?: string[];
  /** sha256 of the guest data (REAL `qemu-img convert -O raw`) instead of the file bytes. */
  compareData?: string[];
  /** REAL `qemu-img check NAME` after the run goes into the transcript. */
  checkImages?: string[];
  /** Mask the image end offset and fragmentation in check output (compressed data). */
  checkLoose?: boolean;
}

export const cases: IoCase[];
