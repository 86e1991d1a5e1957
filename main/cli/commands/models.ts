// `chorus models`: the Models list (pre-trained checkpoints imported from local Hugging Face folders), `chorus models
// import <folder>` to add one, `chorus models delete ID` to remove one.
import type { ModelRow } from '../../store/models';
import { UsageError, type Command } from '../command';
import { withRuns } from './runs-shared';

const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MB`;
const millions = (n: number) => `${(n / 1e6).toFixed(1)}M params`;

function describe(m: ModelRow): string {
  const extra = [
    m.info.missing.length ? `initialised fresh: ${m.info.missing.join(', ')}` : '',
    m.info.ignored.length ? `left out: ${m.info.ignored.length > 6 ? `${m.info.ignored.slice(0, 6).join(', ')}, … (${m.info.ignored.length})` : m.info.ignored.join(', ')}` : '',
    ...m.info.notes,
  ].filter(Boolean);
  return `${m.id}\t${m.name}\t${m.architecture}, ${m.layers} layers, hidden ${m.hidden}, ${m.heads} heads, ${millions(m.parameters)}, ${mb(m.bytes)}` +
    `\tvocabulary ${m.vocabSize}, max length ${m.maxLength}${m.info.mlmHead ? ', masked-LM head' : ''}\tfrom ${m.source}` +
    extra.map((e) => `\n  ${e}`).join('');
}

export const modelsCommand: Command = {
  name: 'models',
  summary: 'list, import or delete pre-trained models (local Hugging Face checkpoint folders)',
  usage: `Usage: chorus models [--db PATH] [--json]
       chorus models import FOLDER [--name NAME] [--db PATH] [--json]
       chorus models delete ID [--db PATH]

FOLDER holds config.json, model.safetensors and tokenizer.json or vocab.txt (+ tokenizer_config.json) of a BERT,
DistilBERT, RoBERTa, ELECTRA (discriminator) or MiniLM / sentence-transformers checkpoint. Import checks every
tensor and the tokenizer, then copies the files into the data folder. A run starts from an imported model with
"backbone": { "from": "pretrained", "path": "<id, name or folder>" }.`,
  async run(args, ctx) {
    const [sub, arg] = args.positionals;
    return withRuns(ctx.dbPath, (runs) => {
      if (sub === undefined) {
        const list = runs.models.list();
        if (ctx.json) ctx.stdout.write(JSON.stringify(list, null, 2) + '\n');
        else ctx.stdout.write(list.length ? list.map(describe).join('\n') + '\n' : 'no imported models (chorus models import FOLDER)\n');
        return 0;
      }
      if (sub === 'import') {
        if (!arg) throw new UsageError('models import needs a checkpoint FOLDER');
        const name = typeof args.flags.name === 'string' ? args.flags.name : undefined;
        const { model, existing } = runs.models.import(arg, { name });
        if (ctx.json) ctx.stdout.write(JSON.stringify({ ...model, existing }, null, 2) + '\n');
        else ctx.stdout.write(`${existing ? 'already imported' : 'imported'} as model ${describe(model)}\n`);
        return 0;
      }
      if (sub === 'delete') {
        const id = Number(arg);
        if (!Number.isInteger(id) || id <= 0) throw new UsageError(`models delete needs a model ID, got '${arg ?? ''}'`);
        runs.models.delete(id);
        ctx.stdout.write(`deleted model ${id}\n`);
        return 0;
      }
      throw new UsageError(`unknown models subcommand '${sub}' (import, delete, or none to list)`);
    });
  },
};
