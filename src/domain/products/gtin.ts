/** GTIN-8/12/13/14 with the GS1 mod-10 check digit (weights 3 and 1 alternating from the right). */
export function validGtin(code: string): boolean {
  if (!/^(\d{8}|\d{12}|\d{13}|\d{14})$/.test(code)) return false;
  const digits = Array.from(code, Number); // ASCII digits only, checked above
  const check = digits.pop() ?? -1;
  const sum = digits.reverse().reduce((acc, d, i) => acc + d * (i % 2 === 0 ? 3 : 1), 0);
  return (10 - (sum % 10)) % 10 === check;
}
