/**
 * Node ids: the GitHub slug of a `##` heading, so `#only-this-customer` works both in `triage`
 * and on GitHub's rendering of the playbook.
 */
import { slug } from 'github-slugger';

/** The id GitHub gives a heading with this (plain) text: `Only this customer?` → `only-this-customer`. */
export function headingSlug(plainText: string): string {
  return slug(plainText);
}

/** A node reference as authors write it (`#check-logs` or `check-logs`), without the `#`. */
export function stripHash(reference: string): string {
  return reference.startsWith('#') ? reference.slice(1) : reference;
}
