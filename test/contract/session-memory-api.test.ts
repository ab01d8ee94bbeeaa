// The session's memory over both transports: what one client applied, drafted and ran, and the
// events it caused, a client connecting later gets back, exactly.
import { describe, expect, it } from 'vitest';
import type { EventHistoryPage, RulesTextDto, TranscriptDto } from '../../src/api';
import { openNodeSession } from '../../src/host/node-session';
import { TRANSPORTS, useContractClient } from './transports';

const WRITTEN = '# mine\n\n[set-state]\nevent =  "write_aio"\nnew_state = "2"\n';

describe.each(TRANSPORTS)('the session memory over %s', (_name, transport) => {
  const ctx = useContractClient(transport, () => openNodeSession());
  const value = <T>(method: string, ...args: unknown[]): Promise<T> => ctx.value<T>(method, ...args);

  it('gives back the rule text as applied, the draft, the transcript and the events', async () => {
    expect(await value('applyRules', { text: WRITTEN })).toEqual([]);
    expect(await value('saveRulesDraft', { text: WRITTEN + '# next\n' })).toBeNull();
    await value('run', 'write 0 512');
    const rules = await value<RulesTextDto>('rulesText');
    expect(rules).toMatchObject({ applied: WRITTEN, origin: 'apply', draft: WRITTEN + '# next\n' });
    const transcript = await value<TranscriptDto>('consoleTranscript');
    expect(transcript.entries.map((e) => e.kind)).toEqual(['input', 'stdout']);
    expect(transcript.entries[0]!.text).toBe('write 0 512');
    // Events reach the history with their batch (at most ~16 ms later).
    let page = await value<EventHistoryPage>('eventHistory', { after: 0, limit: 100 });
    for (let i = 0; i < 100 && !page.events.some((e) => e.type === 'state-changed'); i++) {
      await new Promise((r) => setTimeout(r, 10));
      page = await value<EventHistoryPage>('eventHistory', { after: 0, limit: 100 });
    }
    expect(page.events.some((e) => e.type === 'state-changed')).toBe(true);
    expect(page.batchSeq).toBeGreaterThan(0);
    expect(await value('clearMemory')).toBeNull();
    expect((await value<TranscriptDto>('consoleTranscript')).entries).toEqual([]);
    expect((await value<RulesTextDto>('rulesText')).draft).toBeNull();
  });

  it('refuses malformed memory calls', async () => {
    expect(await ctx.client.call('consoleTranscript', 1)).toMatchObject({ ok: false, error: { code: 'BAD_PAYLOAD' } });
    expect(await ctx.client.call('eventHistory', { limit: 0 })).toMatchObject({ ok: false, error: { code: 'BAD_PAYLOAD' } });
    expect(await ctx.client.call('eventHistory', { after: -1 })).toMatchObject({ ok: false, error: { code: 'BAD_PAYLOAD' } });
    expect(await ctx.client.call('saveRulesDraft', { text: 1 })).toMatchObject({ ok: false, error: { code: 'BAD_PAYLOAD' } });
    expect(await ctx.client.call('saveRulesDraft', { text: 'x'.repeat(600 * 1024) })).toMatchObject({ ok: false, error: { code: 'BAD_PAYLOAD' } });
    expect(await ctx.client.call('clearMemory', { everything: true })).toMatchObject({ ok: false, error: { code: 'BAD_PAYLOAD' } });
  });
});
