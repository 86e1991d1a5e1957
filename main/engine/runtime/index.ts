export { GraphSession, availableExecutionProviders, resolveAutoDevice, type ExecutionProviderName, type SessionOptions } from './session';
export { TRAINER_NODE_FLAGS, isTrainerProcess, trainerEnv } from './trainer-process';
