/**
 * Answers that take the bundled account-locked playbook to its first workaround (a reply and a
 * report), as a YAML answers file: the case the helpdesk tests post.
 */
export const ACCOUNT_LOCKED_ANSWERS = [
  'error_text: Too many sign-in attempts. Try again in 30 minutes.',
  'what-does-the-message-say: Too many attempts, temporarily locked',
  'last_attempt: 5 minutes ago',
  'when-did-they-last-try: Within the last 30 minutes',
  '',
].join('\n');
