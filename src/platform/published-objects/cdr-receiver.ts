/**
 * POST of the CDRs Receiver: a CPO sends a new CDR; we answer with the URL where we keep it
 * (`Location` header, the CDRs chapter), which serves it by GET (the shared Receiver GET).
 *
 * A CDR is never changed once sent, and it may reach us twice: the CPO re-sends one whose answer
 * it did not get (a lost answer, a crash before it recorded ours). The second POST of a CDR id we
 * hold from this peer is acknowledged (1000) and changes nothing, so the CPO stops re-sending it
 * and we keep exactly one. A different document under an id we already hold is not a correction
 * (corrections are credit CDRs with new ids): it is acknowledged too, the first kept, and logged.
 */
import { HTTP_ERRORS, httpStatusFor } from '../../protocol/index.js';
import type { OcpiObjectRecord } from '../../store/types.js';
import { jsonEqual } from '../delivery/json.js';
import type { OcpiHandler, OcpiOutcome, OcpiRequestContext } from '../modules.js';
import { ocpiUrls } from '../urls.js';
import { ConcurrentWriteError, resolveOwner, writeTransaction } from './receiver.js';
import { convertUp, type HandlerContext, invalid } from './shared.js';
import type { Json } from './tree.js';

type Party = { country_code: string; party_id: string };

/**
 * The owner of a posted CDR: 2.2.1+ CDRs name it (country_code/party_id); 2.1.1 CDRs do not, and
 * are the peer's CPO party's (the first CPO role of its credentials, else its first role).
 */
function ownerParams(ctx: OcpiRequestContext): Record<string, string> | undefined {
  const body = ctx.body as Json;
  if (typeof body.country_code === 'string' && typeof body.party_id === 'string') {
    return { country_code: body.country_code, party_id: body.party_id };
  }
  if (ctx.version !== '2.1.1') return undefined;
  const role = ctx.peer.roles.find((r) => r.role === 'CPO') ?? ctx.peer.roles[0];
  if (role === undefined) return undefined;
  return { country_code: String(role.country_code), party_id: String(role.party_id) };
}

/** Where we serve a CDR we hold: the Receiver's GET {country_code}/{party_id}/{cdr_id}. */
export function cdrUrl(h: HandlerContext, ctx: OcpiRequestContext, owner: Party, id: string): string {
  const base = ocpiUrls(h.deps.config.publicUrl).module(ctx.version, 'cdrs', 'RECEIVER');
  return [base, owner.country_code, owner.party_id, id]
    .map((p, i) => (i === 0 ? p : encodeURIComponent(p)))
    .join('/');
}

function notifyReceived(h: HandlerContext, ctx: OcpiRequestContext, record: OcpiObjectRecord): void {
  const callback = h.deps.onCdrReceived;
  if (callback === undefined) return;
  const fail = (error: unknown) =>
    ctx.log.error({ err: error, peerId: ctx.peer.id, cdr: record.key }, 'onCdrReceived failed');
  try {
    const result: unknown = callback(ctx.peer.id, record);
    if (result instanceof Promise) result.catch(fail);
  } catch (error) {
    fail(error);
  }
}

export function receiverPostCdr(h: HandlerContext): OcpiHandler {
  return async (ctx) => {
    const params = ownerParams(ctx);
    if (params === undefined) return invalid('the CDR names no owner (country_code, party_id)');
    const owner = resolveOwner(h, { ...ctx, params: { ...ctx.params, ...params } });
    if ('statusCode' in owner) return owner;
    const converted = convertUp('CDR', ctx.version, ctx.body as Json, { party: owner }, ctx.log);
    if (!converted.ok) return converted.outcome;
    const cdr = converted.value;
    const { id, last_updated: lastUpdated } = cdr;
    if (typeof id !== 'string' || typeof lastUpdated !== 'string') {
      return invalid('the CDR has no id or last_updated');
    }
    const key = { countryCode: owner.country_code, partyId: owner.party_id, id };
    const location = cdrUrl(h, ctx, owner, id);

    // Two POSTs of one CDR at once (a re-send racing the original): on PostgreSQL both may read
    // "none stored"; the one whose insert is not revision 1 lost, and its transaction runs again
    // and finds the CDR stored (writeTransaction). SQLite serialises writers anyway.
    let created: OcpiObjectRecord | undefined;
    const outcome = await writeTransaction(h, async (tx): Promise<OcpiOutcome> => {
      const stored: OcpiObjectRecord | undefined = await tx.objects.get('cdrs', key);
      if (stored !== undefined && stored.peerId !== ctx.peer.id) {
        return {
          statusCode: HTTP_ERRORS.NOT_FOUND.statusCode,
          httpStatus: HTTP_ERRORS.NOT_FOUND.http,
          message: `CDR ${owner.country_code}/${owner.party_id}/${id} is held for another party`,
        };
      }
      if (stored !== undefined) {
        if (!jsonEqual(stored.data, cdr)) {
          ctx.log.warn(
            { peerId: ctx.peer.id, cdr: key },
            'a CDR id was posted again with other content: the first is kept (CDRs are never changed; corrections are credit CDRs)',
          );
        }
        return {
          statusCode: 1000,
          message: `CDR ${id} was already received`,
          headers: { Location: location },
        };
      }
      const written = await tx.objects.put({
        module: 'cdrs',
        key,
        peerId: ctx.peer.id,
        data: cdr,
        lastUpdated: new Date(Date.parse(lastUpdated)),
      });
      if (written.revision !== 1) throw new ConcurrentWriteError(`CDR ${id}: posted twice at once`);
      created = written;
      return {
        statusCode: 1000,
        httpStatus: httpStatusFor(1000, { created: true }),
        headers: { Location: location },
      };
    });
    // After the commit, never awaited: checking the invoice must not delay (or fail) the answer.
    if (created !== undefined) notifyReceived(h, ctx, created);
    return outcome;
  };
}
