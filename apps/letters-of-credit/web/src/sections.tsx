import type { ReactNode } from 'react';
import { type Application, type DraftTask, formatAmount, formatDate, type Party } from './lc.js';
import { countryName } from './parts.js';

const NOT_GIVEN = <span className="tw-hint">Not given yet</span>;

function PartyText(props: { party: Party & { taxId?: string } }) {
  const { name, address, taxId } = props.party;
  return (
    <>
      <strong>{name}</strong>
      <br />
      {[...address.lines, [address.city, address.region, address.postalCode].filter(Boolean).join(' ')].join(
        ', ',
      )}
      , {countryName(address.country)}
      {taxId ? (
        <>
          <br />
          Tax id {taxId}
        </>
      ) : null}
    </>
  );
}

/** What one section of an application holds now, as a person reads it. */
export function sectionText(
  application: Application,
  rel: DraftTask,
  productName?: (id: string) => string | undefined,
) {
  const content: Record<DraftTask, () => ReactNode> = {
    'change-amount': () => (application.amount ? formatAmount(application.amount) : NOT_GIVEN),
    'change-merchandise': () =>
      application.merchandise ? (
        <>
          {application.merchandise.description ? <>{application.merchandise.description}: </> : null}
          {application.merchandise.items
            .map(
              (item) =>
                `${item.quantity} × ${item.description ?? productName?.(item.productId) ?? 'product'}`,
            )
            .join('; ')}
        </>
      ) : (
        NOT_GIVEN
      ),
    'change-applicant': () =>
      application.applicant ? <PartyText party={application.applicant} /> : NOT_GIVEN,
    'change-beneficiary': () =>
      application.beneficiary ? <PartyText party={application.beneficiary} /> : NOT_GIVEN,
    'change-advising-bank': () =>
      application.advisingBank ? (
        <>
          {application.advisingBank.name} ({application.advisingBank.bic}),{' '}
          {countryName(application.advisingBank.country)}
        </>
      ) : (
        NOT_GIVEN
      ),
    'change-documents': () =>
      application.documents ? (
        <ul>
          {application.documents.map((clause) => (
            <li key={clause}>{clause}</li>
          ))}
        </ul>
      ) : (
        NOT_GIVEN
      ),
    'change-conditions': () => {
      const conditions = application.conditions;
      if (!conditions) return NOT_GIVEN;
      const tenor =
        conditions.tenor.kind === 'at-sight'
          ? 'paid at sight'
          : `paid ${conditions.tenor.days} days after sight`;
      return (
        <>
          {conditions.revocable ? 'Revocable' : 'Irrevocable'},{' '}
          {conditions.transferable ? 'transferable' : 'not transferable'}, {tenor}
          {conditions.additional.length > 0 ? `; ${conditions.additional.join('; ')}` : ''}
        </>
      );
    },
    'change-expiry-date': () => (application.expiryDate ? formatDate(application.expiryDate) : NOT_GIVEN),
  };
  return content[rel]();
}
