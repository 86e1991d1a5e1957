// `chorus demo [--language en|zh-CN] [--out run.json]`: the app's demo project from the CLI.
import { writeFileSync } from 'node:fs';
import { UsageError, type Command } from '../command';
import { stringFlag } from '../args';
import { createDemoProject, type DemoLanguage } from '../../training/demo-project';
import { withRuns } from './runs-shared';

const LANGUAGES: DemoLanguage[] = ['en', 'zh-CN'];

export const demoCommand: Command = {
  name: 'demo',
  summary: 'import the bundled demo datasets and save the demo project (English, or Chinese with --language zh-CN)',
  usage: `Usage: chorus demo [--language en|zh-CN] [--out FILE] [--db PATH] [--json]

Imports the openly licensed demo datasets (resources/demo, or resources/demo-zh for Chinese: CMRC 2018 reading
comprehension and question types) and saves a ready-to-train project, as the app's "Try the demo" does.
  --out    also write the project's run configuration to FILE, for \`chorus train --config FILE\`
--json prints the project { id, name, config } on stdout.`,
  async run(args, ctx) {
    const language = stringFlag(args, 'language') ?? 'en';
    if (!(LANGUAGES as string[]).includes(language)) throw new UsageError(`--language must be one of ${LANGUAGES.join(', ')}, got '${language}'`);
    const out = stringFlag(args, 'out');
    const project = await withRuns(ctx.dbPath, (runs, datasets) => createDemoProject(datasets, runs.runs, { language: language as DemoLanguage }));
    if (out) writeFileSync(out, JSON.stringify(project.config, null, 2) + '\n');
    if (ctx.json) ctx.stdout.write(JSON.stringify({ id: project.id, name: project.name, config: project.config }, null, 2) + '\n');
    else ctx.stdout.write(`saved project ${project.id} '${project.name}'${out ? `; its run configuration is in ${out}` : ''}\n`);
    return 0;
  },
};
