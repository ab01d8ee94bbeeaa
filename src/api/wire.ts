// Web mode's WebSocket messages (JSON text frames).
import type { ApiMethod } from './channels';
import type { ApiResult } from './errors';
import type { EventBatch } from './events';

/** Client → host: one call. `id` pairs the answer with it. */
export interface WireCall {
  id: number;
  method: ApiMethod;
  args: unknown[];
}

/** Host → client: the answer to a call (id null: the message could not be read as a call). */
export type WireReply = { type: 'reply'; id: number | null } & ApiResult<unknown>;

/** Host → client: a batch of session events. */
export interface WireEvents {
  type: 'events';
  batch: EventBatch;
}

export type WireServerMessage = WireReply | WireEvents;
