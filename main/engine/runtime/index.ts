export { GraphSession, availableExecutionProviders, type ExecutionProviderName, type SessionOptions } from './session';
