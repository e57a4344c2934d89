export { registerSagaAdminRoutes } from './admin-routes.js';
export type { SagaCoordinator, SagaCoordinatorOptions, SagaObservation } from './coordinator.js';
export { startSagaCoordinator } from './coordinator.js';
export type {
  AnyProcessManager,
  AnySaga,
  DeadlineReached,
  DeadlineRequest,
  Definition,
  ProcessManagerDefinition,
  Reaction,
  SagaCommand,
  SagaDefinition,
  SagaStatus,
  SagaStep,
  StepReply,
} from './definition.js';
export { defineProcessManager, defineSaga } from './definition.js';
export type { SagaHistoryEntry, SagaInspection, SagaPage, SagaSummary } from './inspection.js';
export { sagaInspection } from './inspection.js';
export type { ProcessInput, ProcessInstance } from './process-core.js';
export { processTransition } from './process-core.js';
export type { SagaInput, SagaInstance, Transition } from './saga-core.js';
export { commandIdOf, STEP_TIMED_OUT, sagaTransition } from './saga-core.js';
export { sagaMigrations } from './schema.js';
