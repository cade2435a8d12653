// base64url without `Buffer`, `atob` or `btoa`, so the protocol runs the same in Node, browsers,
// Deno, Bun and edge runtimes, and decoding is strict about what it is given (atob is not).

const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
/** The 6-bit value of each ASCII character code, -1 outside the alphabet. */
const sextetByCharCode = Int16Array.from({ length: 128 }, (_, code) =>
  alphabet.indexOf(String.fromCharCode(code)),
);

/** Bytes → base64url without `=` padding (RFC 4648 §5). */
export function encodeBase64Url(bytes: Uint8Array): string {
  let output = '';
  let index = 0;
  for (; index + 2 < bytes.length; index += 3) {
    const triple = (bytes[index]! << 16) | (bytes[index + 1]! << 8) | bytes[index + 2]!;
    output +=
      alphabet[triple >> 18]! +
      alphabet[(triple >> 12) & 63]! +
      alphabet[(triple >> 6) & 63]! +
      alphabet[triple & 63]!;
  }
  const rest = bytes.length - index;
  if (rest === 1) {
    const single = bytes[index]!;
    output += alphabet[single >> 2]! + alphabet[(single & 3) << 4]!;
  } else if (rest === 2) {
    const pair = (bytes[index]! << 8) | bytes[index + 1]!;
    output += alphabet[pair >> 10]! + alphabet[(pair >> 4) & 63]! + alphabet[(pair & 15) << 2]!;
  }
  return output;
}

/**
 * base64url (unpadded) → bytes, or `null` when the text holds a character outside the base64url
 * alphabet or has an impossible length. Callers normalise padding and the `+/` alphabet first.
 */
export function decodeBase64Url(text: string): Uint8Array | null {
  if (text.length % 4 === 1) return null;
  const bytes = new Uint8Array(Math.floor((text.length * 3) / 4));
  let buffer = 0;
  let bits = 0;
  let written = 0;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    const value = code < 128 ? sextetByCharCode[code]! : -1;
    if (value < 0) return null;
    buffer = ((buffer << 6) | value) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      bytes[written++] = (buffer >> bits) & 0xff;
    }
  }
  return bytes.subarray(0, written);
}
