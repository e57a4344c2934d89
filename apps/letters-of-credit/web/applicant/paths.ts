export const BASE = '/letters-of-credit/applicant/';

/** Where an application, or one of its tasks, is on the importer's page. */
export const applicationPath = (id: string, task?: string) =>
  `${BASE}applications/${id}${task ? `/${task}` : ''}`;
