/**
 * Gift and gift message (spec §3): Ecwid has no native gift field, so stores collect them with checkout extra
 * fields. A field is a gift flag when its `id` or `title` mentions one of the gift names (default "gift") and its
 * value is truthy; the gift message is the value of a field mentioning "gift message" or "gift note".
 * Names are matched as whole words, case-insensitively, on ids and titles alike (`giftWrap`, `gift_wrap`,
 * "Gift wrap?" all mention "gift"; "Giftedness" does not). Each connection can replace either list.
 */
import type { EcwidOrderExtraField } from './ecwid';
import { decodeHtmlEntities, mentions, objects, str } from './text';

export const DEFAULT_GIFT_FIELD_NAMES = ['gift'];
export const DEFAULT_GIFT_MESSAGE_FIELD_NAMES = ['gift message', 'gift note'];

/** Values that mean "no" in a checkbox, select or text answer. */
const FALSY = new Set(['', 'no', 'false', '0', 'off', 'none', 'n', 'n/a', 'null', 'undefined']);

/** Whether an extra-field answer means yes: not empty, "no", "false", "0"… (nor "No thanks", "No, thank you"). */
export function isTruthyAnswer(value: unknown): boolean {
  const v = str(value).trim().toLowerCase();
  return !FALSY.has(v) && !/^no\b/.test(v);
}

function fieldMentions(field: EcwidOrderExtraField, names: readonly string[]): boolean {
  return names.some((n) => mentions(str(field.id), n) || mentions(str(field.title), n));
}

function nonEmpty(names: readonly string[] | undefined, fallback: readonly string[]): readonly string[] {
  const cleaned = (names ?? []).filter((n) => typeof n === 'string' && n.trim() !== '');
  return cleaned.length > 0 ? cleaned : fallback;
}

/**
 * Gift flag and message from the order's extra fields. A gift message also makes the order a gift: nobody writes
 * a card for a parcel that is not one.
 */
export function detectGift(
  extraFields: unknown,
  opts: { giftFieldNames?: readonly string[]; giftMessageFieldNames?: readonly string[] } = {},
): { gift: boolean; giftMessage: string | null } {
  const fields = objects<EcwidOrderExtraField>(extraFields);
  const giftNames = nonEmpty(opts.giftFieldNames, DEFAULT_GIFT_FIELD_NAMES);
  const messageNames = nonEmpty(opts.giftMessageFieldNames, DEFAULT_GIFT_MESSAGE_FIELD_NAMES);

  const messageField = fields.find((f) => fieldMentions(f, messageNames) && isTruthyAnswer(f.value));
  const giftMessage = messageField ? decodeHtmlEntities(str(messageField.value)).trim() || null : null;
  const flagged = fields.some((f) => fieldMentions(f, giftNames) && isTruthyAnswer(f.value));
  return { gift: flagged || giftMessage !== null, giftMessage };
}
