import type { MessageTable } from '@tessera/web';

/**
 * Letters of credit's problem codes as sentences for importers and the trade-finance desk (the platform's own
 * are in @tessera/web). A code whose problem names a field is shown next to that field, in these words.
 */
export const lcMessages: MessageTable = {
  client_reference_too_short: {
    en: 'The reference needs at least 4 characters.',
    es: 'La referencia necesita al menos 4 caracteres.',
  },
  lc_amount_invalid: {
    en: 'The amount must be more than zero.',
    es: 'El importe debe ser mayor que cero.',
  },
  lc_amount_above_maximum: {
    en: 'A letter of credit may be worth at most USD 500,000.00.',
    es: 'Una carta de crédito puede valer como máximo 500.000,00 USD.',
  },
  lc_currency_not_supported: {
    en: 'Letters of credit are issued only in US dollars (USD).',
    es: 'Las cartas de crédito solo se emiten en dólares estadounidenses (USD).',
  },
  lc_amount_missing: {
    en: 'Set the amount before submitting.',
    es: 'Indique el importe antes de enviar.',
  },
  lc_merchandise_missing: {
    en: 'Say what merchandise it is for before submitting.',
    es: 'Indique la mercancía antes de enviar.',
  },
  lc_expiry_date_not_in_future: {
    en: 'The expiry date must be after today.',
    es: 'La fecha de vencimiento debe ser posterior a hoy.',
  },
  cannot_trade_with_sanctioned_country: {
    en: 'Import from this country is currently prohibited.',
    es: 'La importación desde este país está prohibida actualmente.',
  },
  applicant_address_not_found: {
    en: 'The postal service does not know this address. Check the street, city, state and ZIP code.',
    es: 'El servicio postal no conoce esta dirección. Revise la calle, la ciudad, el estado y el código postal.',
  },
  sanctions_list_unavailable: {
    en: 'The sanctions list is not available yet. Please try again in a moment.',
    es: 'La lista de sanciones aún no está disponible. Inténtelo de nuevo en un momento.',
  },
  lc_application_not_found: {
    en: 'There is no such application, or it is not yours.',
    es: 'No existe esa solicitud, o no es suya.',
  },
  lc_application_already_submitted: {
    en: 'This application was submitted: it can no longer change.',
    es: 'Esta solicitud ya se envió: ya no puede cambiar.',
  },
  lc_application_canceled: {
    en: 'This application was canceled.',
    es: 'Esta solicitud se canceló.',
  },
  lc_application_not_submitted: {
    en: 'This application is not waiting for a decision.',
    es: 'Esta solicitud no está pendiente de decisión.',
  },
  lc_application_decided: {
    en: 'This application was already decided.',
    es: 'Esta solicitud ya se decidió.',
  },
  lc_application_changed: {
    en: 'Someone changed this application meanwhile. Look at it again and retry.',
    es: 'Alguien cambió esta solicitud mientras tanto. Revísela e inténtelo de nuevo.',
  },
  applicant_name_blank: { en: 'Your name cannot be blank.', es: 'Su nombre no puede estar vacío.' },
  applicant_company_blank: {
    en: 'The company cannot be blank.',
    es: 'La empresa no puede estar vacía.',
  },
};
