export { GraphSession, availableExecutionProviders, resolveAutoDevice, type ExecutionProviderName, type SessionOptions } from './session';
export { TRAINER_MALLOC_TUNABLES, TRAINER_NODE_FLAGS, isTrainerProcess, returnOutputCopies, trainerEnv } from './trainer-process';
