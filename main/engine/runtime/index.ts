export { GraphSession, availableExecutionProviders, resolveAutoDevice, type ExecutionProviderName, type SessionOptions } from './session';
