/** The fixed, fake identity of every sandbox: nothing here is a real credential. */
export const SANDBOX_USER = 'adot-sandbox';
export const SANDBOX_TOKEN = 'adot-sandbox-token';
export const SANDBOX_ACCESS_KEY_ID = 'AKIASANDBOX000000000';
export const SANDBOX_SECRET_ACCESS_KEY = 'sandbox/secret/not-a-real-key/0000000000';

/** A fake, well-formed PEM bundle for webhook caBundle fields (base64 of the PEM text, as Kubernetes stores it). */
export function fakeCaBundle(subject: string): string {
  const body = Buffer.from(`adot sandbox fake certificate authority for ${subject}`).toString('base64');
  const pem = `-----BEGIN CERTIFICATE-----\n${body}\n-----END CERTIFICATE-----\n`;
  return Buffer.from(pem).toString('base64');
}
