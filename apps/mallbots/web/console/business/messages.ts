import type { MessageTable } from '@tessera/web';
import { mallbotsMessages } from '../../src/messages.js';

/** The rules staff meet in the console, said to them (the server's codes; MallBots' own table first). */
export const consoleMessages: MessageTable = {
  ...mallbotsMessages,
  invalid_username: {
    en: 'A username is 3 to 64 letters, digits, or . _ @ -.',
    es: 'Un nombre de usuario tiene de 3 a 64 letras, cifras o . _ @ -.',
  },
  weak_password: {
    en: 'A password has 8 characters or more.',
    es: 'Una contraseña tiene 8 caracteres o más.',
  },
  store_name_blank: { en: 'Give the store a name.', es: 'Indique el nombre de la tienda.' },
  store_location_blank: {
    en: 'Say where the store is in the mall.',
    es: 'Indique dónde está la tienda en el centro comercial.',
  },
  store_not_found: { en: 'There is no such store.', es: 'No existe esa tienda.' },
  store_already_participating: {
    en: 'The store already takes part in automated shopping.',
    es: 'La tienda ya participa en las compras automáticas.',
  },
  store_already_not_participating: {
    en: 'The store already does not take part in automated shopping.',
    es: 'La tienda ya no participa en las compras automáticas.',
  },
  product_name_blank: { en: 'Give the product a name.', es: 'Indique el nombre del producto.' },
  product_description_blank: {
    en: 'Describe the product.',
    es: 'Describa el producto.',
  },
  product_sku_blank: { en: 'Give the product its SKU.', es: 'Indique la referencia (SKU) del producto.' },
  product_price_negative: {
    en: 'A price cannot be negative.',
    es: 'Un precio no puede ser negativo.',
  },
  product_not_found: {
    en: 'That product is no longer in the catalogue.',
    es: 'Ese producto ya no está en el catálogo.',
  },
  price_change_is_decrease: {
    en: 'That price is lower than the current one.',
    es: 'Ese precio es menor que el actual.',
  },
  price_change_is_increase: {
    en: 'That price is higher than the current one.',
    es: 'Ese precio es mayor que el actual.',
  },
  order_not_cancelable: {
    en: 'This order can no longer be canceled.',
    es: 'Este pedido ya no se puede cancelar.',
  },
  cancel_reason_blank: {
    en: 'Say why the order is canceled: the customer reads it.',
    es: 'Indique por qué se cancela el pedido: el cliente lo leerá.',
  },
  order_not_found: { en: 'There is no such order.', es: 'No existe ese pedido.' },
};
