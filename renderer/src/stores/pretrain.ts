// "Pre-train first": a masked-LM run over the text of the project's task datasets, then — once it completes — the
// project's task run started from it (`backbone.from: 'run:<id>'`). Both are started through the runs store (so each
// shows in the run list and on the dashboard as it starts); a pre-training run that fails, diverges, is stopped or is
// interrupted never gets its task run, and the chain keeps why. The configs come from lib/pretrain.ts.
import { defineStore } from 'pinia';
import { ref } from 'vue';
import { onEvent } from '../api';
import { t } from '../i18n';
import { problemOf, type Problem } from '../lib/error-text';
import { fineTuneConfig, pretrainingConfig } from '../lib/pretrain';
import type { Obj, PretrainDraft } from '../lib/project-config';
import { FINISHED, useRunsStore, type RunEvent, type RunRow, type RunStatus } from './runs';

/**
 * One chain. `state` is 'pretraining' while the first run trains, 'starting' while the task run is being started,
 * 'fine-tuning' once it has been (`fineTuneId`), and 'cancelled' when the pre-training run ended any other way
 * (`status`, and its error in `problem`) or the task run could not be started (`problem`).
 */
export interface PretrainChain {
  pretrainId: number;
  /** The task run's config, before `backbone.from` points at the pre-training run. */
  config: Obj;
  projectId?: number;
  state: 'pretraining' | 'starting' | 'fine-tuning' | 'cancelled';
  fineTuneId?: number;
  /** How the pre-training run ended, when it did not complete. */
  status?: RunStatus;
  problem?: Problem;
}

export const usePretrainStore = defineStore('pretrain', () => {
  const runs = useRunsStore();
  /** Chains by their pre-training run's id. */
  const chains = ref<Record<number, PretrainChain>>({});
  let listening = false;

  function listen(): void {
    if (listening) return;
    listening = true;
    onEvent('run.event', (e: RunEvent) => {
      if (e.type !== 'status') return;
      const problem = e.error ? problemOf({ message: e.error, code: e.code, params: e.params }) : undefined;
      void advance(e.runId, e.status, problem);
    });
  }

  /** Starts the pre-training run for `config` (the project's run config); its task run follows when it completes. */
  async function start(config: Obj, plan: PretrainDraft, projectId?: number): Promise<RunRow | undefined> {
    listen();
    const name = t('pretrain.runName', { name: String(config.name ?? '') });
    const row = await runs.start(pretrainingConfig(config, plan, name), projectId);
    if (!row) return undefined;
    chains.value[row.id] = { pretrainId: row.id, config, projectId, state: 'pretraining' };
    // A status that came before the chain was recorded (the row as it is now says so).
    const now = runs.runs.find((r) => r.id === row.id);
    if (now && FINISHED.includes(now.status)) await advance(row.id, now.status, now.error ? { message: now.error } : undefined);
    return row;
  }

  /** What a pre-training run's new status means: completed starts the task run; any other end cancels it. */
  async function advance(runId: number, status: RunStatus, problem: Problem | undefined): Promise<void> {
    const chain = chains.value[runId];
    if (!chain || chain.state !== 'pretraining') return;
    if (status === 'completed') {
      chain.state = 'starting';
      const row = await runs.start(fineTuneConfig(chain.config, runId), chain.projectId);
      if (row) Object.assign(chain, { state: 'fine-tuning', fineTuneId: row.id });
      else Object.assign(chain, { state: 'cancelled', problem: runs.error });
    } else if (FINISHED.includes(status)) Object.assign(chain, { state: 'cancelled', status, problem });
  }

  /** Forgets a chain that has ended (its notice is dismissed); one still on its way is kept. */
  function dismiss(pretrainId: number): void {
    const state = chains.value[pretrainId]?.state;
    if (state === 'fine-tuning' || state === 'cancelled') delete chains.value[pretrainId];
  }

  return { chains, listen, start, dismiss };
});
