import { must } from '@tessera/web';
import { useEffect, useState } from 'react';
import { api } from '../src/api.js';
import type { ApplicationItem, CHECK_LABELS } from '../src/lc.js';

export type Remarks = Partial<Record<keyof typeof CHECK_LABELS, string>>;

/**
 * What the partners said with their decisions (Compliance's on the product, Customer Onboarding's on the
 * credit), read once each is decided: why a check was rejected is what a manager weighs.
 */
export function useCheckRemarks(id: string, checks: ApplicationItem['checks'] | undefined): Remarks {
  const [remarks, setRemarks] = useState<Remarks>({});
  const productDecided = checks !== undefined && checks.productValue !== 'pending';
  const creditDecided = checks !== undefined && checks.applicantCredit !== 'pending';
  useEffect(() => {
    if (!productDecided) return;
    void must(() =>
      api.GET('/letters-of-credit/api/compliance/product-checks/{lcApplicationId}', {
        params: { path: { lcApplicationId: id } },
      }),
    )
      .then(({ value, legality }) =>
        setRemarks((had) => ({ ...had, productValue: value.remarks, productLegality: legality.remarks })),
      )
      .catch(() => undefined);
  }, [id, productDecided]);
  useEffect(() => {
    if (!creditDecided) return;
    void must(() =>
      api.GET('/letters-of-credit/api/onboarding/credit-checks/{lcApplicationId}', {
        params: { path: { lcApplicationId: id } },
      }),
    )
      .then(({ decision }) => setRemarks((had) => ({ ...had, applicantCredit: decision.remarks })))
      .catch(() => undefined);
  }, [id, creditDecided]);
  return remarks;
}
