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

export type IoImage =
  | { name: string; create: string[] }
  | { name: string; bytes: ByteSpec }
  | { name: string; dir: true }
  | { name: string; sparse: { size: number; extents?: Record<number, ByteSpec> } };

export interface IoCase {
  name: string;
  description?: string;
  images: IoImage[];
  files?: Record<string, ByteSpec>;
  argv: string[];
  stdin?: string;
  compareImages?: string[];
}

export const cases: IoCase[];
