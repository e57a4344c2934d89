const DECLINED = {
  en: 'The card was declined. Ask for another card or another way to pay.',
  es: 'La tarjeta ha sido rechazada. Pida otra tarjeta u otra forma de pago.',
};

/**
 * CoffeeCo's problem codes as sentences for baristas and coffee lovers (the platform's own are in @tessera/web):
 * what happened and what to do, never the raw answer. Every sentence in both languages the pages speak (a
 * `MessageTable` of @tessera/web; typed here without it, so the table is plain data a unit test reads).
 */
export const coffeecoMessages: Readonly<Record<string, { readonly en: string; readonly es: string }>> = {
  // A card the provider refused (Stripe's codes, as the fake provider answers its test cards).
  card_declined: DECLINED,
  lost_card: DECLINED,
  stolen_card: DECLINED,
  fraudulent: DECLINED,
  insufficient_funds: {
    en: 'The card was declined: not enough funds. Ask for another card or another way to pay.',
    es: 'La tarjeta ha sido rechazada por fondos insuficientes. Pida otra tarjeta u otra forma de pago.',
  },
  expired_card: {
    en: 'The card has expired. Ask for another card or another way to pay.',
    es: 'La tarjeta ha caducado. Pida otra tarjeta u otra forma de pago.',
  },
  incorrect_cvc: {
    en: "The card's security code is wrong. Ask the customer to try the card again.",
    es: 'El código de seguridad de la tarjeta no es correcto. Pida al cliente que lo intente de nuevo.',
  },
  processing_error: {
    en: 'The card could not be processed. Try again in a moment, or take another way to pay.',
    es: 'No se ha podido procesar la tarjeta. Inténtelo de nuevo en un momento o use otra forma de pago.',
  },
  invalid_card_token: {
    en: 'The card terminal sent a card the provider does not know. Swipe the card again.',
    es: 'El terminal ha enviado una tarjeta que el proveedor no conoce. Pase la tarjeta de nuevo.',
  },
  coffeebux_refused: {
    en: 'The loyalty card does not have enough free drinks for this sale. Take another way to pay.',
    es: 'La tarjeta de fidelidad no tiene bebidas gratis suficientes para esta venta. Use otra forma de pago.',
  },
  // The payment's outcome is not known yet: the same sale again completes it, never twice.
  card_provider_unavailable: {
    en: 'The card provider has not answered yet. Try again: the card is charged once at most.',
    es: 'El proveedor de tarjetas aún no ha respondido. Inténtelo de nuevo: la tarjeta se cobra una vez como mucho.',
  },
  loyalty_unavailable: {
    en: 'The loyalty card cannot be reached yet. Try again: its free drinks are taken once at most.',
    es: 'No se puede acceder a la tarjeta de fidelidad. Inténtelo de nuevo: las bebidas gratis se descuentan una vez como mucho.',
  },
  purchase_id_taken: {
    en: 'This sale was already rung up differently. Start a new sale.',
    es: 'Esta venta ya se registró de otra forma. Empiece una venta nueva.',
  },
  store_not_found: {
    en: 'This store no longer exists. Choose the store again.',
    es: 'Esta tienda ya no existe. Vuelva a elegir la tienda.',
  },
  coffee_lover_not_found: {
    en: 'We could not find that coffee lover. Look them up again.',
    es: 'No hemos encontrado a ese cliente. Búsquelo de nuevo.',
  },
  unknown_item: {
    en: 'This store no longer sells one of these drinks. Check the order.',
    es: 'Esta tienda ya no vende una de estas bebidas. Revise el pedido.',
  },
  empty_purchase: {
    en: 'Add at least one drink to the order.',
    es: 'Añada al menos una bebida al pedido.',
  },
  zero_total: {
    en: 'This order comes to nothing, which is likely a mistake. Check the order.',
    es: 'Este pedido no suma nada, lo que probablemente es un error. Revise el pedido.',
  },
  coffee_lover_missing: {
    en: 'Choose the coffee lover whose loyalty card pays.',
    es: 'Elija el cliente cuya tarjeta de fidelidad paga.',
  },
  first_name_blank: { en: 'Enter a first name.', es: 'Escriba un nombre.' },
  last_name_blank: { en: 'Enter a last name.', es: 'Escriba un apellido.' },
};
