// The project being edited in the Train view — its tasks (one per dataset: columns, label set, validation, α),
// backbone and training settings — the issues `runs.check` found (by field path), and the saved projects
// (create, rename, duplicate, delete). The drafts and the config built from them are in lib/project-config.ts; label
// maps in lib/task-labels.ts; α shares, epochs → steps and model estimates in lib/training-estimates.ts.
import { defineStore } from 'pinia';
import { computed, ref, watch } from 'vue';
import { call } from '../api';
import { problemOf, type Problem } from '../lib/error-text';
import { t } from '../i18n';
import type { CallResult } from '../../../main/api/contract';
import type { DatasetSummary } from '../../../main/data/types';
import { useDatasetsStore, type TaskMapping } from './datasets';
import {
  DEFAULT_BACKBONE, DEFAULT_TRAINING, DEFAULTS, PROJECT_PRETRAIN_KEY, backboneFromConfig, buildConfig, fieldPathsOf, num, obj, projectConfigOf, taskFromConfig,
  taskFromDataset, trainingFromConfig,
  type BackboneDraft, type Obj, type TaskDraft, type TrainingDraft,
} from '../lib/project-config';
import { normalisedShares, stepsPerEpoch, trainRowsOf } from '../lib/training-estimates';

export type ConfigIssue = CallResult<'runs.check'>['issues'][number];
export type ProjectRow = CallResult<'projects.list'>[number];
export type MachineInfo = CallResult<'app.machine'>;


export const useProjectStore = defineStore('project', () => {
  const datasets = useDatasetsStore();
  const projectId = ref<number | undefined>();
  const name = ref(t('project.defaultName'));
  const tasks = ref<TaskDraft[]>([]);
  const backbone = ref<BackboneDraft>({ ...DEFAULT_BACKBONE });
  const training = ref<TrainingDraft>({ ...DEFAULT_TRAINING });
  const projects = ref<ProjectRow[]>([]);
  const machine = ref<MachineInfo | undefined>();
  /** The loaded config, so keys this form does not edit survive a save. */
  let base: Obj = {};
  const issues = ref<ConfigIssue[]>([]);
  const checked = ref(false);
  const checking = ref(false);
  /** The config (as JSON) the current issues belong to, and the one last saved. */
  const checkedJson = ref<string | undefined>();
  const savedJson = ref<string | undefined>();
  const saving = ref(false);
  const loaded = ref(false);
  const error = ref<Problem | undefined>();
  let checkSeq = 0;

  const datasetOf = (r: string) => datasets.datasets.find((d) => String(d.id) === r) ?? datasets.datasets.find((d) => d.name === r);
  const validationFraction = () => num(obj(base.training).validationFraction) ?? DEFAULTS.validationFraction;
  /** Train rows per task (undefined where the dataset is not imported). */
  const trainRows = computed(() => tasks.value.map((t) => trainRowsOf(t, datasetOf(t.dataset), validationFraction())));
  const batchSize = computed(() => training.value.batchSize ?? DEFAULTS.batchSize);
  const epochSteps = computed(() => {
    const rows = trainRows.value;
    return rows.every((r) => r !== undefined) ? stepsPerEpoch(rows as number[], batchSize.value, training.value.sampling) : undefined;
  });
  /** The steps the config gets: as typed, or epochs × steps per epoch. */
  const steps = computed(() => {
    const t = training.value;
    if (t.length === 'steps') return t.steps;
    if (t.length === 'epochs' && t.epochs !== undefined && epochSteps.value) return Math.max(1, Math.round(t.epochs * epochSteps.value));
    return undefined;
  });
  /** α_i / Σα per task. */
  const shares = computed(() => normalisedShares(tasks.value.map((t) => t.weight)));

  /** The run config the form describes (what runs.check, runs.start and projects.save get), as plain JSON data. */
  const config = computed<Obj>(() =>
    buildConfig(base, { name: name.value, backbone: backbone.value, training: training.value, tasks: tasks.value, steps: steps.value }),
  );
  const configJson = computed(() => JSON.stringify(config.value));
  /** What projects.save gets: the run config, and the pre-training plan when the backbone is pre-trained first. */
  const projectConfig = computed<Obj>(() => projectConfigOf(config.value, backbone.value));
  const projectJson = computed(() => JSON.stringify(projectConfig.value));
  const dirty = computed(() => projectJson.value !== savedJson.value);
  /** Checked, with no issues, for the config as it is now: Train may start. */
  const ready = computed(() => tasks.value.length > 0 && checked.value && !checking.value && checkedJson.value === configJson.value && !issues.value.length);

  /** Issue messages by field path (`tasks[1].label`, `backbone.heads`). */
  const issuesByPath = computed(() => {
    const out: Record<string, Problem[]> = {};
    for (const i of issues.value) (out[i.path] ??= []).push(problemOf(i));
    return out;
  });

  /** The paths the form has a field for; other issues are listed on their own. */
  const fieldPaths = computed(() => fieldPathsOf(tasks.value));
  const otherIssues = computed(() => issues.value.filter((i) => !fieldPaths.value.has(i.path)));

  function reset(projectName: string): void {
    projectId.value = undefined;
    name.value = projectName;
    tasks.value = [];
    backbone.value = { ...DEFAULT_BACKBONE };
    training.value = { ...DEFAULT_TRAINING };
    base = {};
    savedJson.value = undefined;
  }

  function apply(row: ProjectRow): void {
    const c = obj(row.config);
    projectId.value = row.id;
    name.value = row.name;
    const { [PROJECT_PRETRAIN_KEY]: plan, ...runConfig } = c;
    backbone.value = backboneFromConfig(c.backbone, plan);
    training.value = trainingFromConfig(obj(c.training), c.device);
    tasks.value = Array.isArray(c.tasks) ? c.tasks.map(taskFromConfig) : [];
    base = runConfig;
    savedJson.value = projectJson.value;
  }

  function remember(row: ProjectRow): void {
    const i = projects.value.findIndex((p) => p.id === row.id);
    if (i >= 0) projects.value.splice(i, 1);
    projects.value.unshift(row);
  }

  const newest = (rows: ProjectRow[]) => [...rows].sort((a, b) => b.updatedAt.localeCompare(a.updatedAt) || b.id - a.id);

  /** Reopens the most recently saved project (once; later visits keep the draft), and reads what this machine has. */
  async function load(): Promise<void> {
    if (loaded.value) return;
    void loadMachine();
    try {
      projects.value = newest(await call('projects.list', {}));
      if (projects.value[0]) apply(projects.value[0]);
      error.value = undefined;
    } catch (err) {
      error.value = problemOf(err);
    } finally {
      loaded.value = true;
    }
  }

  async function loadMachine(): Promise<void> {
    try {
      machine.value = await call('app.machine', {});
    } catch (err) {
      error.value = problemOf(err);
    }
  }

  async function persist(args: { id?: number; name: string; config: Obj }): Promise<ProjectRow | undefined> {
    saving.value = true;
    try {
      const row = await call('projects.save', args);
      remember(row);
      error.value = undefined;
      return row;
    } catch (err) {
      error.value = problemOf(err);
      return undefined;
    } finally {
      saving.value = false;
    }
  }

  async function save(): Promise<number | undefined> {
    const sent = projectJson.value;
    const row = await persist({ id: projectId.value, name: name.value.trim() || t('project.untitled'), config: projectConfig.value });
    if (!row) return undefined;
    projectId.value = row.id;
    name.value = row.name;
    savedJson.value = sent === projectJson.value ? sent : savedJson.value;
    return row.id;
  }

  /** Keeps the draft being left (a saved project with edits, or an unsaved one with tasks). */
  async function saveIfChanged(): Promise<boolean> {
    if (!dirty.value || (projectId.value === undefined && !tasks.value.length)) return true;
    return (await save()) !== undefined;
  }

  function freeName(wanted: string): string {
    const taken = new Set(projects.value.map((p) => p.name));
    let n = wanted;
    for (let i = 2; taken.has(n); i++) n = `${wanted} ${i}`;
    return n;
  }

  async function open(id: number): Promise<void> {
    if (id === projectId.value || !(await saveIfChanged())) return;
    const row = projects.value.find((p) => p.id === id);
    if (row) apply(row);
  }

  /** Starts a new, empty project and saves it. */
  async function create(): Promise<number | undefined> {
    if (!(await saveIfChanged())) return undefined;
    reset(freeName(t('project.untitled')));
    return save();
  }

  async function rename(next: string): Promise<boolean> {
    const trimmed = next.trim();
    if (!trimmed) return false;
    name.value = trimmed;
    return (await save()) !== undefined;
  }

  /** Saves a copy (same config, "… copy") and opens it. */
  async function duplicate(): Promise<number | undefined> {
    if (!(await saveIfChanged())) return undefined;
    const copyName = freeName(t('project.copyOf', { name: name.value.trim() || t('project.untitled') }));
    const row = await persist({ name: copyName, config: { ...projectConfig.value, name: copyName } });
    if (row) apply(row);
    return row?.id;
  }

  /** Deletes a project (its runs stay); deleting the open one opens the most recent other, or a fresh draft. */
  async function remove(id: number): Promise<void> {
    try {
      await call('projects.delete', { id });
      projects.value = projects.value.filter((p) => p.id !== id);
      error.value = undefined;
      if (id === projectId.value) {
        const next = newest(projects.value)[0];
        if (next) apply(next);
        else reset(freeName(t('project.untitled')));
      }
    } catch (err) {
      error.value = problemOf(err);
    }
  }

  /** Asks main to check the config (schema and datasets); true when it can train. */
  async function check(): Promise<boolean> {
    const seq = ++checkSeq;
    const sent = configJson.value;
    checking.value = true;
    try {
      const res = await call('runs.check', { config: config.value });
      if (seq === checkSeq) {
        issues.value = res.issues;
        checked.value = true;
        checkedJson.value = sent;
        error.value = undefined;
      }
      return res.ok;
    } catch (err) {
      if (seq === checkSeq) error.value = problemOf(err);
      return false;
    } finally {
      if (seq === checkSeq) checking.value = false;
    }
  }

  // Issues follow the edits: every change is checked again shortly after typing stops.
  let timer: ReturnType<typeof setTimeout> | undefined;
  watch(configJson, () => {
    clearTimeout(timer);
    if (tasks.value.length) timer = setTimeout(() => void check(), 350);
    else {
      checkSeq++; // an answer still on its way is stale
      checking.value = false;
      issues.value = [];
    }
  });

  function addTask(d: DatasetSummary, mapping: TaskMapping | undefined): void {
    tasks.value.push(taskFromDataset(d, mapping, tasks.value.map((t) => t.name)));
  }
  /** Replaces a task; early stopping on it follows a rename. */
  function updateTask(index: number, task: TaskDraft): void {
    const old = tasks.value[index];
    if (old && old.name !== task.name && training.value.earlyStoppingMetric === old.name) training.value = { ...training.value, earlyStoppingMetric: task.name };
    tasks.value[index] = task;
  }
  function removeTask(index: number): void {
    const [gone] = tasks.value.splice(index, 1);
    if (gone && training.value.earlyStoppingMetric === gone.name) training.value = { ...training.value, earlyStoppingMetric: 'mean' };
  }
  function setBackbone(next: BackboneDraft): void {
    backbone.value = next;
  }
  function setTraining(next: TrainingDraft): void {
    training.value = next;
  }

  return {
    projectId, name, tasks, backbone, training, projects, machine, issues, checked, checking, saving, loaded, error, config, projectConfig, dirty, ready,
    trainRows, epochSteps, steps, shares, issuesByPath, otherIssues,
    load, loadMachine, save, open, create, rename, duplicate, remove, check, addTask, updateTask, removeTask, setBackbone, setTraining, datasetOf,
  };
});
