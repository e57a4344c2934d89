import { describe, expect, it } from 'vitest';
import { messageOf, preferredLocale } from '../src/messages.js';

describe('what a person reads for a problem', () => {
  const problem = (status: number, code?: string, title = 'the basket is not open') => ({
    status,
    code,
    title,
  });

  it("takes the application's sentence for its code, in the person's language", () => {
    const table = { basket_not_open: { en: 'This basket is closed.', es: 'Esta cesta está cerrada.' } };
    expect(messageOf(problem(409, 'basket_not_open'), 'es', table)).toBe('Esta cesta está cerrada.');
    expect(messageOf(problem(409, 'basket_not_open'), 'en', table)).toBe('This basket is closed.');
  });

  it("falls back to the platform's sentence, then the server's title in English, then one per status", () => {
    expect(messageOf(problem(401, 'invalid_credentials'), 'es')).toMatch(/^El usuario y la contraseña/);
    expect(messageOf(problem(409, 'unknown_code'), 'en')).toBe('The basket is not open.');
    expect(messageOf(problem(409, 'unknown_code'), 'es')).toMatch(/^No se puede hacer ahora/);
    expect(messageOf(problem(500, undefined, 'boom'), 'en')).toBe(
      'Something went wrong on our side. Please try again.',
    );
  });

  it("chooses the first of the browser's languages that pages speak", () => {
    expect(preferredLocale(['fr-FR', 'es-MX', 'en'])).toBe('es');
    expect(preferredLocale(['de'])).toBe('en');
    expect(preferredLocale([])).toBe('en');
  });
});
