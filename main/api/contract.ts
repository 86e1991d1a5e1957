// The one API contract between the renderer and main: every call (argument schema, result type)
// and every event, declared once. Main validates with the schemas; preload and the renderer derive
// their types from here (the renderer imports types only, so zod never reaches its bundle).
import { z } from 'zod';
import type { DatasetSummary, ImportProgress, ImportResult, PreviewPage } from '../data/types';
import type { CheckpointRow, MetricPoint, PredictionRow, ProjectRow, RunRow } from '../store/runs';
import type { ModelRow } from '../store/models';
import type { ConfigIssue } from '../training/config';
import type { RunEvent } from '../training/run-service';
import type { TaskOutput } from '../training/evaluate';
import type { ErrorCode, ErrorParams } from '../data/error-catalog';

export type { ErrorCode, ErrorParams, ModelRow };

/** Every IPC channel starts with this; preload rejects anything else. */
export const CHANNEL_PREFIX = 'chorus:';

export interface AppInfo {
  name: string;
  version: string;
  /** 'electron' inside the app, 'serve' behind `chorus serve`. */
  mode: 'electron' | 'serve';
  dataDir: string;
  platform: string;
}

/** A call: its argument schema and (as a phantom) its result type. */
interface CallSpec<A extends z.ZodType, R> {
  args: A;
  result: R;
}
function call<R>() {
  return <A extends z.ZodType>(args: A): CallSpec<A, R> => ({ args, result: undefined as unknown as R });
}
function event<P>(): { payload: P } {
  return { payload: undefined as unknown as P };
}

const id = z.number().int().positive();
/** The demo project's languages (projects.createDemo; training/demo-project.ts has one data folder per language). */
const DEMO_LANGUAGES = ['en', 'zh-CN'] as const;
const none = z.object({}).strict();

/** What the model and training panels need to know about this machine. */
export interface MachineInfo {
  cpus: number;
  memoryBytes: number;
  /** Execution providers in this onnxruntime-node build, and what `device: auto` would use (with the reason). */
  devices: { available: string[]; usable: string[]; auto: string; reason: string | null };
}

export const CALLS = {
  'app.info': call<AppInfo>()(none),
  'app.machine': call<MachineInfo>()(none),
  'datasets.list': call<DatasetSummary[]>()(none),
  'datasets.get': call<DatasetSummary>()(z.object({ id }).strict()),
  'datasets.preview': call<PreviewPage>()(
    z
      .object({
        id,
        split: z.string().min(1),
        offset: z.number().int().min(0),
        limit: z.number().int().min(1).max(1000),
      })
      .strict(),
  ),
  'datasets.delete': call<{ deleted: number }>()(z.object({ id }).strict()),
  /** Value counts of one column of a split (train by default), most frequent first (at most 1000 values). */
  'datasets.labelCounts': call<{ value: string; count: number }[]>()(z.object({ id, column: z.string().min(1), split: z.string().min(1).optional() }).strict()),
  /** Electron only: import files by path (the preload turns dropped Files into paths). */
  'datasets.importPaths': call<ImportResult[]>()(
    z.object({ paths: z.array(z.string().min(1)).min(1), acceptBadRows: z.boolean().optional() }).strict(),
  ),
  /** Browser uploads: begin → chunk… → finish (imports, then removes the temp files) or cancel. */
  'datasets.uploadBegin': call<{ uploadId: string }>()(
    z.object({ name: z.string().min(1).max(255), size: z.number().int().min(0) }).strict(),
  ),
  'datasets.uploadChunk': call<{ received: number }>()(
    z
      .object({
        uploadId: z.string().min(1),
        offset: z.number().int().min(0),
        /** Base64, at most 1 MiB decoded. */
        data: z.string().max(Math.ceil((1 << 20) / 3) * 4),
      })
      .strict(),
  ),
  'datasets.uploadFinish': call<ImportResult[]>()(
    z.object({ uploadIds: z.array(z.string().min(1)).min(1), acceptBadRows: z.boolean().optional() }).strict(),
  ),
  'datasets.uploadCancel': call<{ cancelled: number }>()(z.object({ uploadIds: z.array(z.string().min(1)).min(1) }).strict()),

  /** Projects: saved run-config drafts (what the Train view edits). */
  'projects.list': call<ProjectRow[]>()(none),
  'projects.save': call<ProjectRow>()(z.object({ id: id.optional(), name: z.string().trim().min(1).max(200), config: z.unknown() }).strict()),
  'projects.delete': call<{ deleted: number }>()(z.object({ id }).strict()),
  /**
   * Imports the bundled demo datasets and creates a ready-to-train project: English (resources/demo: spam,
   * similarity, QA) or Chinese (resources/demo-zh: CMRC 2018 QA, question type).
   */
  'projects.createDemo': call<ProjectRow>()(z.object({ language: z.enum(DEMO_LANGUAGES).optional() }).strict()),

  /** Checks a run config against the schema and the datasets without starting anything; issues name their field. */
  'runs.check': call<{ ok: boolean; issues: ConfigIssue[] }>()(z.object({ config: z.unknown() }).strict()),
  /** Validates, records and starts a run (training happens in its own process; progress arrives as run.event). */
  'runs.start': call<RunRow>()(z.object({ config: z.unknown(), projectId: id.optional(), baselines: z.boolean().optional() }).strict()),
  'runs.list': call<RunRow[]>()(z.object({ projectId: id.optional() }).strict()),
  'runs.get': call<RunDetail>()(z.object({ id }).strict()),
  'runs.metrics': call<MetricPoint[]>()(z.object({ id, sinceStep: z.number().int().min(-1).optional() }).strict()),
  'runs.pause': call<RunRow>()(z.object({ id }).strict()),
  'runs.resume': call<RunRow>()(z.object({ id }).strict()),
  'runs.stop': call<RunRow>()(z.object({ id }).strict()),
  'runs.delete': call<{ deleted: number }>()(z.object({ id }).strict()),
  'runs.predictions': call<{ total: number; rows: PredictionRow[] }>()(
    z.object({ id, task: z.string().min(1), offset: z.number().int().min(0), limit: z.number().int().min(1).max(1000), onlyWrong: z.boolean().optional() }).strict(),
  ),
  /** Every head of a trained run on one input. */
  'runs.predict': call<Record<string, TaskOutput | { skipped: string }>>()(
    z.object({
      id, text: z.string().min(1).max(100_000), textPair: z.string().max(100_000).optional(), context: z.string().max(1_000_000).optional(),
      /** Generation heads: how to decode (the task's own settings otherwise). */
      decode: z.object({
        strategy: z.enum(['greedy', 'beam', 'sample']).optional(), numBeams: z.number().int().min(1).max(16).optional(), maxLength: z.number().int().min(1).max(512).optional(),
        lengthPenalty: z.number().optional(), noRepeatNgramSize: z.number().int().min(0).optional(), temperature: z.number().positive().optional(),
        topP: z.number().gt(0).max(1).optional(), seed: z.number().int().min(0).optional(),
      }).strict().optional(),
    }).strict(),
  ),

  /** Imported pre-trained models (the Models list). */
  'models.list': call<ModelRow[]>()(none),
  /** Checks a local Hugging Face checkpoint folder and copies it into the data folder. */
  'models.import': call<{ model: ModelRow; existing: boolean }>()(z.object({ path: z.string().min(1), name: z.string().trim().min(1).optional() }).strict()),
  'models.delete': call<{ deleted: number }>()(z.object({ id }).strict()),
} as const;

/** One run with what the dashboard shows besides its metric series. */
export interface RunDetail {
  run: RunRow;
  evaluations: { step: number; task: string; result: unknown }[];
  checkpoints: CheckpointRow[];
  baselines: RunRow[];
}

export const EVENTS = {
  'import.progress': event<ImportProgress>(),
  /** Every run's status changes, progress reports, evaluations and log lines, to every connected client. */
  'run.event': event<RunEvent>(),
} as const;

export type CallName = keyof typeof CALLS;
export type CallArgs<N extends CallName> = z.input<(typeof CALLS)[N]['args']>;
export type CallResult<N extends CallName> = (typeof CALLS)[N]['result'];
export type EventName = keyof typeof EVENTS;
export type EventPayload<E extends EventName> = (typeof EVENTS)[E]['payload'];

export const CALL_NAMES = Object.keys(CALLS) as CallName[];
export const EVENT_NAMES = Object.keys(EVENTS) as EventName[];

/** Every answer travels as an envelope so the error message survives IPC and WebSocket alike. */
export type Envelope<R = unknown> = { ok: true; value: R } | ApiFailure;

/**
 * A failed call. `error` is English and starts with the call's name (`datasets.get: dataset 9 not found`); `code` and
 * `params` are the message after the name, from the catalog in main/data/error-catalog.ts, so a client can show it
 * in its own language (renderer/src/i18n/errors.*.ts).
 */
export interface ApiFailure {
  ok: false;
  error: string;
  code?: ErrorCode;
  params?: ErrorParams;
  kind?: ApiErrorKind;
}
/** What went wrong, broadly: the arguments, the config, a missing thing, the call's name, or anything else. */
export type ApiErrorKind = 'invalid-arguments' | 'invalid-config' | 'not-found' | 'unknown-call' | 'failed';

/** What preload exposes as `window.chorus`. */
export interface ChorusBridge {
  invoke(channel: string, args: unknown): Promise<Envelope>;
  /** Returns a function that removes the listener. */
  on(channel: string, listener: (payload: unknown) => void): () => void;
  /** Removes every listener this page added on the channel. */
  off(channel: string): void;
  /** The file-system path of a dropped or picked File (Electron's webUtils.getPathForFile). */
  pathForFile(file: File): string;
}

/** WebSocket frames (chorus serve). */
export type WsRequest = { id: number; call: string; args: unknown };
export type WsMessage = ({ id: number } & Envelope) | { event: string; payload: unknown };
