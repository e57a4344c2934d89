import type { MessageTable } from '@tessera/web';

/** MallBots' problem codes as sentences for customers and staff (the platform's own are in @tessera/web). */
export const mallbotsMessages: MessageTable = {
  // Baskets
  basket_not_found: {
    en: 'We cannot find that basket. Please start a new one.',
    es: 'No encontramos esa cesta. Empiece una nueva, por favor.',
  },
  basket_not_open: {
    en: 'This basket was already checked out or canceled. Please start a new one.',
    es: 'Esta cesta ya se envió o se canceló. Empiece una nueva, por favor.',
  },
  basket_empty: {
    en: 'Your basket is empty: add something before you check out.',
    es: 'Su cesta está vacía: añada algo antes de hacer el pedido.',
  },
  item_quantity_not_positive: {
    en: 'The quantity must be at least 1.',
    es: 'La cantidad debe ser al menos 1.',
  },
  product_not_found: {
    en: 'That product is no longer sold. Please choose another.',
    es: 'Ese producto ya no se vende. Elija otro, por favor.',
  },
  store_not_found: {
    en: 'That store is no longer in the mall.',
    es: 'Esa tienda ya no está en el centro comercial.',
  },
  stores_unavailable: {
    en: 'We cannot check the stores right now. Please try again in a moment.',
    es: 'No podemos consultar las tiendas ahora. Inténtelo de nuevo en un momento.',
  },
  // Customers
  customer_not_registered: {
    en: 'We do not know this account as a customer. Please register first.',
    es: 'No conocemos esta cuenta como cliente. Regístrese primero, por favor.',
  },
  customer_sms_number_invalid: {
    en: 'That mobile number does not look right: use digits, with an optional + in front.',
    es: 'Ese número de móvil no parece correcto: use dígitos, con un + delante si quiere.',
  },
  customer_name_blank: { en: 'Please tell us your name.', es: 'Díganos su nombre, por favor.' },
  customer_sms_number_blank: {
    en: 'Please give us a mobile number for your texts.',
    es: 'Denos un número de móvil para sus SMS, por favor.',
  },
  customers_unavailable: {
    en: 'We cannot check your account right now. Please try again in a moment.',
    es: 'No podemos comprobar su cuenta ahora. Inténtelo de nuevo en un momento.',
  },
  // Payments
  payment_not_found: {
    en: 'We cannot find that card payment. Please swipe your card again.',
    es: 'No encontramos ese pago con tarjeta. Pase la tarjeta otra vez, por favor.',
  },
  invoice_not_found: {
    en: 'There is no invoice for this order yet.',
    es: 'Todavía no hay factura para este pedido.',
  },
  invoice_not_payable: {
    en: 'This invoice cannot be paid: it was canceled.',
    es: 'Esta factura no se puede pagar: fue cancelada.',
  },
  // Ordering
  order_not_found: {
    en: 'We cannot find that order.',
    es: 'No encontramos ese pedido.',
  },
  order_not_cancelable: {
    en: 'This order can no longer be canceled: it is ready, finished or already canceled.',
    es: 'Este pedido ya no se puede cancelar: está listo, terminado o ya cancelado.',
  },
  baskets_unavailable: {
    en: 'We cannot check your order right now. Please try again in a moment.',
    es: 'No podemos consultar su pedido ahora. Inténtelo de nuevo en un momento.',
  },
  concurrent_modification: {
    en: 'Something changed at the same moment. Please try again.',
    es: 'Algo cambió en ese mismo momento. Inténtelo de nuevo.',
  },
  // Search
  bad_cursor: {
    en: 'This list is out of date. Please reload it.',
    es: 'Esta lista está desactualizada. Recárguela, por favor.',
  },
};
