// README.md and its Chinese translation README.zh-CN.md stay in step: the same headings at the same levels, the same
// fenced code blocks (commands are not translated), and a link to each other at the top.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..', '..');
const read = (name: string) => readFileSync(join(ROOT, name), 'utf8');

/** The heading levels (outside code blocks) and the fenced code blocks of a Markdown file, in order. */
function outline(markdown: string): { headings: number[]; blocks: string[]; prose: string[] } {
  const headings: number[] = [];
  const blocks: string[] = [];
  const prose: string[] = [];
  let block: string[] | undefined;
  for (const line of markdown.split('\n')) {
    if (block) {
      block.push(line);
      if (line.startsWith('```')) (blocks.push(block.join('\n')), (block = undefined));
    } else if (line.startsWith('```')) block = [line];
    else {
      const h = /^(#{1,6}) /.exec(line);
      if (h) headings.push(h[1]!.length);
      else if (line.trim() && !line.startsWith('|')) prose.push(line);
    }
  }
  assert.equal(block, undefined, 'every code block is closed');
  return { headings, blocks, prose };
}

const en = outline(read('README.md'));
const zh = outline(read('README.zh-CN.md'));

test('README.zh-CN.md has the headings of README.md, at the same levels and in the same order', () => {
  assert.ok(en.headings.length >= 8);
  assert.deepEqual(zh.headings, en.headings);
});

test('README.zh-CN.md has exactly the code blocks of README.md', () => {
  assert.ok(en.blocks.length >= 8);
  assert.deepEqual(zh.blocks, en.blocks);
});

test('each README links to the other at the top', () => {
  assert.match(read('README.md').split('\n').slice(0, 5).join('\n'), /\[简体中文\]\(README\.zh-CN\.md\)/);
  assert.match(read('README.zh-CN.md').split('\n').slice(0, 5).join('\n'), /\[English\]\(README\.md\)/);
});

test('the translation is Chinese prose, and both mention the Chinese demo and the GBK advice', () => {
  const chinese = zh.prose.filter((l) => /[\u4e00-\u9fff]/.test(l)).length;
  assert.ok(chinese / zh.prose.length > 0.9, `${chinese} of ${zh.prose.length} prose lines are Chinese`);
  for (const readme of [read('README.md'), read('README.zh-CN.md')]) {
    assert.match(readme, /resources\/demo-zh/);
    assert.match(readme, /--encoding gb18030/);
  }
});
