/**
 * A one-time token (an OAuth `state`) being spent. The workflow does nothing: its ID, `oauth-state:<nonce>`,
 * started with REJECT_DUPLICATE, is the record. Temporal keeps a closed workflow's ID for the namespace's
 * retention (1 day at least, longer than a state lives), so every API process sees the nonce as spent.
 */
export async function oneTimeTokenSpent(): Promise<void> {
  // Nothing to run: the start itself is the single-use check.
}
