// bdrv_block_status_above(top, NULL) as qemu-img compare sees it: the first layer of the backing
// chain holding the range answers; EOF is the top layer's (a lower layer's EOF is dropped), and
// a range past a shorter backing file reads as allocated zeroes. qemu-img compare -s compares
// these status words as they are, so the EOF bit matters as much as DATA and ZERO.
import { BDRV_BLOCK_ALLOCATED, BDRV_BLOCK_EOF, BDRV_BLOCK_ZERO, type BlockStatus } from '../driver';
import { bdrvBlockStatus } from '../io';
import type { BlockNode } from '../node';

export interface ChainStatus {
  status: number;
  pnum: number;
}

function cowChild(node: BlockNode): BlockNode | undefined {
  return node.children.find((c) => c.role === 'backing' || c.role === 'filtered')?.node;
}

/** Status of [offset, offset + bytes) through the whole chain under `top` (want_zero); flags: 0 or BDRV_REQ_INSPECT. */
export async function chainBlockStatus(top: BlockNode, offset: number, bytes: number, flags = 0): Promise<ChainStatus> {
  let st: BlockStatus = await bdrvBlockStatus(top, offset, bytes, true, flags);
  let below = cowChild(top);
  // bdrv_co_block_status: an unallocated range of a node without backing file reads as zeroes.
  if (!(st.status & BDRV_BLOCK_ALLOCATED) && !below && st.pnum > 0) return { status: st.status | BDRV_BLOCK_ZERO, pnum: st.pnum };
  if (st.pnum === 0 || st.status & BDRV_BLOCK_ALLOCATED) return { status: st.status, pnum: st.pnum };
  const eof = st.status & BDRV_BLOCK_EOF ? offset + st.pnum : -1;
  let n = st.pnum;
  let status = st.status;
  for (let cur = below; cur; cur = below) {
    below = cowChild(cur);
    st = await bdrvBlockStatus(cur, offset, n, true, flags);
    if (st.pnum === 0) {
      // This layer ends before offset: its synthesized zeroes count as allocated here.
      status = BDRV_BLOCK_ZERO | BDRV_BLOCK_ALLOCATED;
      break;
    }
    n = Math.min(n, st.pnum);
    status = st.status & ~BDRV_BLOCK_EOF;
    if (st.status & BDRV_BLOCK_ALLOCATED) break;
    if (!below) {
      status |= BDRV_BLOCK_ZERO;
      break;
    }
  }
  if (offset + n === eof) status |= BDRV_BLOCK_EOF;
  return { status, pnum: n };
}
