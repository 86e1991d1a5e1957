// The model panel's source choice: from scratch (presets and size fields), pre-train first (its budget and masking),
// an imported model (chosen from the Models list; the size fields show the model's and are disabled) and an earlier
// run (completed runs, pre-training runs marked).
import { describe, expect, it } from 'vitest';
import { mount } from '@vue/test-utils';
import ModelPanel from '../../../renderer/src/components/ModelPanel.vue';
import type { BackboneDraft } from '../../../renderer/src/lib/project-config';
import type { RunRow } from '../../../renderer/src/lib/pretrain';
import type { ModelRow } from '../../../main/api/contract';

const MODEL: ModelRow = {
  id: 3, name: 'tiny', architecture: 'bert', source: '/data/tiny-bert', folder: '/chorus/models/3', vocabSize: 30, maxLength: 16, hidden: 8, layers: 2,
  heads: 2, parameters: 4242, bytes: 17_000, info: { files: [], dtypes: ['F32'], ignored: [], missing: [], notes: [], mlmHead: false }, createdAt: '2025-01-01T00:00:00.000Z',
};
const run = (id: number, name: string, type: string, backbone: Record<string, unknown> = {}): RunRow => ({
  id, projectId: null, parentId: null, baselineTask: null, name, config: { name, tasks: [{ name: 'x', type }], backbone }, status: 'completed', step: 10, totalSteps: 10,
  plan: { vocabSize: 480 }, summary: null, error: null, pid: null, createdAt: '', startedAt: null, updatedAt: '', finishedAt: null,
});
const RUNS = [run(9, 'pre', 'masked-lm', { hidden: 32, layers: 1, heads: 2, intermediate: 64, maxLength: 32 }), run(5, 'sentiment', 'classification')];

function panel(backbone: BackboneDraft, o: { models?: ModelRow[]; runs?: RunRow[]; issues?: Record<string, string[]> } = {}) {
  return mount(ModelPanel, {
    props: {
      backbone, heads: [{ type: 'classification', classes: 2 }], batchSize: 8, tasksPerStep: 1, issues: o.issues ?? {},
      models: o.models ?? [MODEL], runs: o.runs ?? RUNS, datasets: 2,
    },
  });
}
const input = (w: ReturnType<typeof panel>, path: string) => w.get(`[data-testid="field-${path}"]`).element as HTMLInputElement;
const last = (w: ReturnType<typeof panel>) => w.emitted('updateBackbone')!.at(-1)![0] as BackboneDraft;

describe('ModelPanel source choice', () => {
  it('offers scratch, pre-train first, imported model and earlier run; scratch by default, with presets and editable size', () => {
    const w = panel({ hidden: 64, layers: 2, heads: 2 });
    expect(w.findAll('[role="radiogroup"] input[type="radio"]').map((r) => r.attributes('data-testid'))).toEqual(['source-scratch', 'source-pretrain', 'source-model', 'source-run']);
    expect((w.get('[data-testid="source-scratch"]').element as HTMLInputElement).checked).toBe(true);
    expect(w.find('[data-testid="preset-tiny"]').exists()).toBe(true);
    expect(input(w, 'backbone.hidden').disabled).toBe(false);
    expect(input(w, 'backbone.hidden').value).toBe('64');
  });

  it('picking a source emits it, keeping the size typed so far', async () => {
    const w = panel({ hidden: 64, layers: 2 });
    await w.get('[data-testid="source-model"]').setValue(true);
    expect(last(w)).toMatchObject({ source: 'model', hidden: 64, layers: 2 });
    await w.get('[data-testid="source-pretrain"]').setValue(true);
    expect(last(w)).toMatchObject({ source: 'pretrain', pretrain: { length: 'steps', steps: 1000, wholeWordMasking: false } });
  });

  it('pre-train first: the budget in steps or minutes and whole-word masking; the size stays editable', async () => {
    const w = panel({ hidden: 64, source: 'pretrain', pretrain: { length: 'steps', steps: 500, wholeWordMasking: false } });
    expect(w.get('[data-testid="pretrain-plan"]').text()).toContain('(2)');
    expect(input(w, 'pretrain.steps').value).toBe('500');
    expect(input(w, 'backbone.hidden').disabled).toBe(false);
    await w.get('[data-testid="field-pretrain.steps"]').setValue('40');
    expect(last(w).pretrain).toEqual({ length: 'steps', steps: 40, wholeWordMasking: false });
    await w.get('[data-testid="field-pretrain.wholeWordMasking"]').setValue(true);
    expect(last(w).pretrain?.wholeWordMasking).toBe(true);
    await w.get('[data-testid="field-pretrain.length"]').setValue('budget');
    expect(last(w).pretrain?.length).toBe('budget');
  });

  it('imported model: chosen from the list, its facts shown, the size fields show its values and are disabled', async () => {
    const w = panel({ hidden: 64, layers: 4, heads: 4, maxLength: 128, vocabSize: 8000, source: 'model', model: '3' });
    const select = w.get('[data-testid="field-backbone.path"]');
    expect(select.findAll('option').map((o) => o.text())).toEqual(['Choose a model…', 'tiny · bert']);
    expect((select.element as HTMLSelectElement).value).toBe('3');
    const facts = w.get('[data-testid="model-facts"]').text();
    for (const s of ['bert', '30', '16', '4.2K']) expect(facts).toContain(s);
    for (const [path, value] of [['backbone.hidden', '8'], ['backbone.layers', '2'], ['backbone.heads', '2'], ['backbone.tokenizer.vocabSize', '30']]) {
      expect(input(w, path!).disabled, path).toBe(true);
      expect(input(w, path!).value, path).toBe(value);
    }
    expect(input(w, 'backbone.maxLength').disabled).toBe(false);
    expect(w.find('[data-testid="preset-tiny"]').exists()).toBe(false);
    await select.setValue('3');
    expect(last(w)).toMatchObject({ source: 'model', model: '3' });
  });

  it('imported model: with none imported, it points to the Models view; an issue shows by its field', async () => {
    const w = panel({ source: 'model' }, { models: [] });
    expect(w.get('[data-testid="no-models"]').text()).toContain('No imported models yet.');
    await w.get('[data-testid="open-models"]').trigger('click');
    expect(w.emitted('openModels')).toHaveLength(1);
    const named = panel({ source: 'model', model: '/some/folder' }, { issues: { 'backbone.path': ["no imported model with id or name '/some/folder'"] } });
    expect((named.get('[data-testid="field-backbone.path"]').element as HTMLSelectElement).value).toBe('/some/folder');
    expect(named.get('[data-testid="issue-backbone.path"]').text()).toContain("no imported model with id or name '/some/folder'");
  });

  it('earlier run: pre-training runs marked; the run fixes the size', async () => {
    const w = panel({ source: 'run', run: 9 });
    const select = w.get('[data-testid="field-backbone.from"]');
    expect(select.findAll('option').map((o) => o.text())).toEqual(['Choose a completed run…', '#9 pre · pre-training', '#5 sentiment']);
    expect(w.get('[data-testid="run-facts"]').text()).toContain('480');
    expect(input(w, 'backbone.hidden').value).toBe('32');
    expect(input(w, 'backbone.hidden').disabled).toBe(true);
    await select.setValue('5');
    expect(last(w)).toMatchObject({ source: 'run', run: 5 });
    expect(panel({ source: 'run' }, { runs: [] }).find('[data-testid="no-backbone-runs"]').exists()).toBe(true);
  });
});
