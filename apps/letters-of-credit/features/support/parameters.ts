import { defineParameterType } from '@cucumber/cucumber';

/** An amount as people write it: the currency, then the amount with thousands separators (USD 25,000.00). */
export interface Money {
  readonly amount: number;
  readonly currency: string;
}

defineParameterType({
  name: 'money',
  regexp: /[A-Z]{3} \d{1,3}(?:,\d{3})*(?:\.\d{1,2})?/,
  transformer: (text: string): Money => {
    const [currency, digits] = text.split(' ') as [string, string];
    return { currency, amount: Number(digits.replaceAll(',', '')) };
  },
});

/** What an application can be now, in the words of its status. */
defineParameterType({
  name: 'status',
  regexp: /draft|submitted|approved|declined|canceled/,
  transformer: (text: string) => text,
});

/** A decision trade finance has made. */
defineParameterType({
  name: 'decided',
  regexp: /approved|declined/,
  transformer: (text: string) => text,
});
