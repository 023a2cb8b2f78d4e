/** liquidjs says "undefined filter: x", which reads like a value that is missing; say what it is. */
export function liquidMessage(message: string): string {
  return message.replace(/\bundefined filter: (\S+)/g, 'unknown filter `$1`').replace(/\btag "([^"]*)" not found/g, 'unknown tag `$1`');
}
