import { must } from '@tessera/web';
import { useEffect, useState } from 'react';
import { api } from './api.js';

export interface Product {
  readonly id: string;
  readonly name: string;
}

/** Enough for any register a page offers in a list; a longer one would need a search instead. */
const MOST_PAGES = 10;

/** The bank's Approved Product Identifiers (Compliance): what merchandise may name, by name. */
export function useProducts(): {
  products: readonly Product[] | undefined;
  nameOf: (id: string) => string | undefined;
} {
  const [products, setProducts] = useState<readonly Product[]>();
  useEffect(() => {
    let stopped = false;
    void (async () => {
      const found: Product[] = [];
      let after: string | undefined;
      for (let page = 0; page < MOST_PAGES; page++) {
        const answer = await must(() =>
          api.GET('/letters-of-credit/api/compliance/approved-products', {
            params: { query: { limit: 100, ...(after && { after }) } },
          }),
        ).catch(() => undefined);
        if (!answer) break;
        found.push(...answer.products);
        after = answer.next;
        if (!after) break;
      }
      if (!stopped) setProducts(found);
    })();
    return () => {
      stopped = true;
    };
  }, []);
  return { products, nameOf: (id) => products?.find((product) => product.id === id)?.name };
}
