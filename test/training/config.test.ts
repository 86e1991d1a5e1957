import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, freezeRunConfig, parseRunConfig, type RunConfig } from '../../main/training/config';
import { validateAgainstDatasets, type DatasetInfo } from '../../main/training/config-validate';

const threeTasks = () => ({
  name: 'sst2+conll',
  tasks: [
    { name: 'sentiment', type: 'classification', dataset: 'glue/sst2', text: 'sentence', label: 'label', weight: 0.4 },
    {
      name: 'paraphrase',
      type: 'classification',
      dataset: 'msrp.tsv',
      text: '#1 String',
      textPair: '#2 String',
      label: 'Quality',
      weight: 0.2,
    },
    { name: 'ner', type: 'token-classification', dataset: 'conll2003', weight: 0.4 },
  ],
});

function issuesOf(input: unknown): ConfigError {
  try {
    parseRunConfig(input);
  } catch (e) {
    assert.ok(e instanceof ConfigError);
    return e;
  }
  assert.fail('expected ConfigError');
}

/** Issues as path + English message (their code and params are checked in test/api/error-codes.test.ts). */
const plain = (issues: { path: string; message: string }[]) => issues.map(({ path, message }) => ({ path, message }));

function expectError(input: unknown, path: string, message: string): void {
  const err = issuesOf(input);
  assert.deepEqual(plain(err.issues), [{ path, message }]);
  assert.equal(err.message, `run config: ${path}: ${message}`);
}

const minimal = (extra: Record<string, unknown> = {}) => ({
  name: 'x',
  tasks: [{ name: 'a', type: 'classification', dataset: 'd' }],
  ...extra,
});

test('defaults are filled', () => {
  const cfg = parseRunConfig(minimal());
  assert.deepEqual(cfg, {
    name: 'x',
    backbone: {
      from: 'scratch',
      hidden: 256,
      layers: 4,
      heads: 4,
      intermediate: 1024,
      maxLength: 128,
      dropout: 0.1,
      tokenizer: { type: 'wordpiece', vocabSize: 8000 },
    },
    tasks: [{ name: 'a', type: 'classification', dataset: 'd', text: 'text', label: 'label', weight: 1 }],
    training: {
      steps: 2000,
      batchSize: 32,
      lr: 5e-4,
      warmup: 0.1,
      schedule: 'linear',
      sampling: 'joint',
      weighting: 'static',
      seed: 0,
      evalEvery: 200,
      earlyStopping: { patience: 5, metric: 'mean' },
      weightDecay: 0.01,
      clipGradNorm: 1,
      validationFraction: 0.1,
      evalBatchSize: 128,
      dwaTemperature: 2,
      baselines: false,
    },
    device: 'auto',
    threads: 0,
  });
  // partial nested objects keep their other defaults
  const partial = parseRunConfig(minimal({ backbone: { tokenizer: { vocabSize: 4000 } }, training: { earlyStopping: { patience: 2 } } }));
  assert.deepEqual(partial.backbone.tokenizer, { type: 'wordpiece', vocabSize: 4000 });
  assert.deepEqual(partial.training.earlyStopping, { patience: 2, metric: 'mean' });
  assert.equal(partial.backbone.hidden, 256);
});

test('per-type column defaults, labelMap and dropout', () => {
  const cfg = parseRunConfig({
    name: 'x',
    tasks: [
      { name: 'trec', type: 'classification', dataset: 'trec', labelMap: { type: 'prefix' }, dropout: 0.2 },
      { name: 'map', type: 'classification', dataset: 'd', labelMap: { pos: 'positive', neg: 'negative' } },
      { name: 'sts', type: 'regression', dataset: 'sts', textPair: 'sentence2' },
      { name: 'ner', type: 'token-classification', dataset: 'conll' },
      { name: 'qa', type: 'extractive-qa', dataset: 'squad' },
    ],
  });
  assert.deepEqual(cfg.tasks[0], {
    name: 'trec',
    type: 'classification',
    dataset: 'trec',
    text: 'text',
    label: 'label',
    weight: 1,
    dropout: 0.2,
    labelMap: { type: 'prefix', separator: ':' },
  });
  assert.deepEqual(cfg.tasks[1]!.type === 'classification' && cfg.tasks[1]!.labelMap, { pos: 'positive', neg: 'negative' });
  assert.deepEqual(cfg.tasks[3], { name: 'ner', type: 'token-classification', dataset: 'conll', tokens: 'tokens', tags: 'tags', weight: 1 });
  assert.deepEqual(cfg.tasks[4], {
    name: 'qa',
    type: 'extractive-qa',
    dataset: 'squad',
    question: 'question',
    context: 'context',
    answers: 'answers',
    weight: 1,
  });
});

test('a valid 3-task config round-trips through JSON', () => {
  const cfg = parseRunConfig({ ...threeTasks(), training: { sampling: 'temperature', temperature: 2, schedule: 'cosine' } });
  const json = JSON.stringify(cfg);
  const again = parseRunConfig(JSON.parse(json));
  assert.deepEqual(again, cfg);
  assert.equal(JSON.stringify(again), json);
  const frozen = freezeRunConfig(again);
  assert.ok(Object.isFrozen(frozen.tasks[0]));
  assert.throws(() => {
    (frozen as RunConfig).name = 'y';
  }, TypeError);
});

test('unknown task type', () => {
  const input = threeTasks();
  (input.tasks[1] as { type: string }).type = 'foo';
  expectError(
    input,
    'tasks[1].type',
    "unknown task type 'foo' (expected one of classification, regression, token-classification, extractive-qa, masked-lm, generation)",
  );
  const missing = minimal({ tasks: [{ name: 'a', dataset: 'd' }] });
  expectError(missing, 'tasks[0].type', 'required');
});

test('unknown keys are errors naming the key', () => {
  expectError(minimal({ bogus: 1 }), 'bogus', "unknown key 'bogus'");
  expectError(minimal({ training: { stepz: 10 } }), 'training.stepz', "unknown key 'stepz'");
  expectError(
    { name: 'x', tasks: [{ name: 'a', type: 'token-classification', dataset: 'd', textPair: 'b' }] },
    'tasks[0].textPair',
    "unknown key 'textPair'",
  );
});

test('enum fields', () => {
  expectError(minimal({ device: 'tpu' }), 'device', "unknown device 'tpu' (expected one of auto, cpu, cuda, webgpu, dml, coreml)");
  expectError(
    minimal({ training: { sampling: 'random' } }),
    'training.sampling',
    "unknown sampling strategy 'random' (expected one of joint, proportional, temperature, round-robin)",
  );
  expectError(
    minimal({ training: { weighting: 'gradnorm' } }),
    'training.weighting',
    "unknown weighting 'gradnorm' (expected one of static, equal, uncertainty, dwa)",
  );
  expectError(
    minimal({ training: { schedule: 'step' } }),
    'training.schedule',
    "unknown schedule 'step' (expected one of linear, cosine, constant)",
  );
});

test('task names: pattern and uniqueness', () => {
  expectError(
    minimal({ tasks: [{ name: 'my-task', type: 'classification', dataset: 'd' }] }),
    'tasks[0].name',
    "invalid task name 'my-task' (letters, digits and _, not starting with a digit)",
  );
  const dup = threeTasks();
  dup.tasks[2]!.name = 'sentiment';
  expectError(dup, 'tasks[2].name', "duplicate task name 'sentiment' (also tasks[0].name)");
});

test('static weighting needs weights > 0; other weightings do not', () => {
  const zero = threeTasks();
  zero.tasks[1]!.weight = 0;
  expectError(zero, 'tasks[1].weight', 'must be > 0 with static weighting (got 0)');
  const cfg = parseRunConfig({ ...zero, training: { weighting: 'equal' } });
  assert.equal(cfg.tasks[1]!.weight, 0);
});

test('backbone.heads must divide hidden', () => {
  expectError(minimal({ backbone: { hidden: 250, heads: 4 } }), 'backbone.heads', 'must divide backbone.hidden (250 % 4 = 2)');
});

test('numeric ranges and types', () => {
  expectError(minimal({ training: { warmup: 1 } }), 'training.warmup', 'must be < 1 (got 1)');
  expectError(minimal({ training: { warmup: -0.1 } }), 'training.warmup', 'must be >= 0 (got -0.1)');
  expectError(minimal({ training: { steps: 1.5 } }), 'training.steps', 'expected an integer, got 1.5');
  expectError(minimal({ training: { lr: '1e-3' } }), 'training.lr', 'expected number, got string');
  expectError(
    minimal({ training: { sampling: 'temperature' } }),
    'training.temperature',
    "required when training.sampling is 'temperature'",
  );
  expectError(minimal({ training: { sampling: 'temperature', temperature: 0 } }), 'training.temperature', 'must be > 0 (got 0)');
  expectError({ tasks: minimal().tasks }, 'name', 'required');
  expectError({ name: 'x', tasks: [] }, 'tasks', 'must have at least 1 item(s)');
  expectError(
    minimal({ training: { earlyStopping: { metric: 'nope' } } }),
    'training.earlyStopping.metric',
    "unknown metric 'nope' (expected 'mean' or a task name: a)",
  );
});

test('several issues are all reported, each naming its path', () => {
  const err = issuesOf(minimal({ device: 'tpu', threads: -1, extra: true }));
  assert.deepEqual(
    err.issues.map((i) => i.path),
    ['device', 'threads', 'extra'],
  );
  assert.ok(err.message.startsWith('run config: device: '));
  assert.ok(err.issues.every((i) => err.message.includes(`${i.path}: ${i.message}`)));
});

test('validateAgainstDatasets', () => {
  const datasets: Record<string, DatasetInfo> = {
    'glue/sst2': {
      columns: ['idx', 'sentence', 'label'],
      labelCounts: () =>
        new Map([
          ['0', 10],
          ['1', 12],
        ]),
    },
    'msrp.tsv': { columns: ['Quality', '#1 String', '#2 String'], labelCounts: () => new Map([['1', 5]]) },
    conll2003: { columns: ['id', 'tokens', 'tags'] },
    trec: {
      columns: ['text', 'label'],
      labelCounts: () =>
        new Map([
          ['LOC:city', 3],
          ['LOC:country', 4],
        ]),
    },
  };
  const lookup = (ref: string) => datasets[ref];
  const cfg = parseRunConfig(threeTasks());

  assert.deepEqual(plain(validateAgainstDatasets(cfg, lookup)), [
    { path: 'tasks[1].label', message: "column 'Quality' in dataset 'msrp.tsv' has a single class '1' (classification needs at least 2)" },
  ]);

  const bad = threeTasks();
  bad.tasks[0]!.dataset = 'glue/sst3';
  (bad.tasks[1] as { textPair?: string }).textPair = '#3 String';
  (bad.tasks[2] as { tags?: string }).tags = 'pos_tags';
  datasets['msrp.tsv']!.labelCounts = () =>
    new Map([
      ['0', 1],
      ['1', 1],
    ]);
  assert.deepEqual(plain(validateAgainstDatasets(parseRunConfig(bad), lookup)), [
    { path: 'tasks[0].dataset', message: "dataset 'glue/sst3' not found" },
    {
      path: 'tasks[1].textPair',
      message: "column '#3 String' not found in dataset 'msrp.tsv' (columns: Quality, #1 String, #2 String)",
    },
    { path: 'tasks[2].tags', message: "column 'pos_tags' not found in dataset 'conll2003' (columns: id, tokens, tags)" },
  ]);

  // label maps apply before counting classes: TREC coarse prefixes collapse LOC:city/LOC:country into one class
  const trec = parseRunConfig({ name: 'x', tasks: [{ name: 'trec', type: 'classification', dataset: 'trec', labelMap: { type: 'prefix' } }] });
  assert.deepEqual(plain(validateAgainstDatasets(trec, lookup)), [
    { path: 'tasks[0].label', message: "column 'label' in dataset 'trec' has a single class 'LOC' (classification needs at least 2)" },
  ]);
  const val = parseRunConfig({ name: 'x', tasks: [{ name: 'trec', type: 'classification', dataset: 'trec', validation: 'trec-dev' }] });
  assert.deepEqual(plain(validateAgainstDatasets(val, lookup)), [{ path: 'tasks[0].validation', message: "dataset 'trec-dev' not found" }]);
});
