import './operations.css';
import type { ReactNode } from 'react';
import { DeadLetterDetail, DeadLetterList } from './dead-letters.js';
import { MessageFlow } from './flow.js';
import { OperationsFrame, type OperationsOptions } from './frame.js';
import { ConsumerLag } from './lag.js';
import { Projections } from './projections.js';
import { SagaList, SagaTimeline } from './sagas.js';

export type { OperationsOptions } from './frame.js';

/** One operations screen, for a page's navigation: its route under the page's base, its title, its entry. */
export interface OperationsScreen {
  readonly route: string;
  readonly title: string;
  readonly nav?: string;
  /** A function component: a page may pass it more props than it reads (the console passes `who`). */
  readonly component: (props: { params: Record<string, string> }) => ReactNode;
}

type Content = (props: { params: Record<string, string> }) => ReactNode;

/**
 * The operators' screens of the platform (ADR 0041): saga instances and their timelines, dead letters to
 * inspect and re-drive, consumer lag, projections with a live rebuild, and the message flow of an order. Any
 * application's page mounts them (MallBots' console, the letters-of-credit staff page): they find the system's
 * processes themselves, in one process or behind the gateway.
 */
export function operationsScreens(options: OperationsOptions): OperationsScreen[] {
  const framed =
    (Content: Content): Content =>
    (props) => (
      <OperationsFrame options={options}>
        <Content {...props} />
      </OperationsFrame>
    );
  return [
    { route: 'operations/sagas', title: 'Sagas', nav: 'Sagas', component: framed(SagaList) },
    { route: 'operations/sagas/:base/:saga/:id', title: 'Saga instance', component: framed(SagaTimeline) },
    {
      route: 'operations/dead-letters',
      title: 'Dead letters',
      nav: 'Dead letters',
      component: framed(DeadLetterList),
    },
    { route: 'operations/dead-letters/:base/:id', title: 'Dead letter', component: framed(DeadLetterDetail) },
    { route: 'operations/lag', title: 'Consumer lag', nav: 'Consumer lag', component: framed(ConsumerLag) },
    {
      route: 'operations/projections',
      title: 'Projections',
      nav: 'Projections',
      component: framed(Projections),
    },
    { route: 'operations/flow', title: 'Message flow', nav: 'Message flow', component: framed(MessageFlow) },
    { route: 'operations/flow/:search', title: 'Message flow', component: framed(MessageFlow) },
  ];
}
