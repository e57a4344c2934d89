export { ApiProblem, createApi, type FieldError, must, refreshSession } from './api.js';
export { type LiveOptions, type LiveState, useLive } from './live.js';
export {
  LOCALES,
  type Locale,
  type MessageTable,
  messageOf,
  platformMessages,
  preferredLocale,
} from './messages.js';
export { Link, matchRoute, navigate, usePath } from './router.js';
export { hasRole, LoginForm, logIn, type Session, useSession, type Who } from './session.js';
export {
  Alert,
  Button,
  Field,
  formatMoney,
  LiveIndicator,
  Page,
  Progress,
  Select,
  StatusBadge,
} from './ui.js';
