// Types for scenarios.mjs.
import type { IoImage } from '../iotests/cases.mjs';

export interface TraceSession {
  args: string[];
  setup?: string[];
  ops: string[];
}
export interface TraceScenario {
  name: string;
  description: string;
  images: IoImage[];
  files?: Record<string, string>;
  sessions: TraceSession[];
}
export const scenarios: TraceScenario[];
