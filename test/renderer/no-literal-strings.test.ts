// Every word the interface shows comes from the message files (renderer/src/i18n): no component template holds a
// literal user-facing string, as text or as a user-facing attribute. Interpolations, bound attributes, whitespace,
// numbers and symbols (×, —, %, ‹) are fine; anything with a letter in it is not.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parse } from '@vue/compiler-sfc';
import { NodeTypes, type AttributeNode, type ElementNode, type TemplateChildNode } from '@vue/compiler-dom';

const ROOT = join(import.meta.dirname, '..', '..');
const SRC = join(ROOT, 'renderer', 'src');

/** Attributes a user reads or hears: on elements, and the props of our components that carry text. */
const USER_FACING = new Set(['title', 'placeholder', 'aria-label', 'alt', 'label', 'aria-description', 'caption', 'empty-text', 'message', 'confirm-label', 'key-label', 'x-label']);
const hasLetter = (s: string) => /\p{L}/u.test(s);

function vueFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return vueFiles(path);
    return name.endsWith('.vue') ? [path] : [];
  });
}

interface Literal { where: string; text: string }

/** The literal texts and user-facing attributes of a template, with file:line. */
export function literalStrings(source: string, file: string): Literal[] {
  const { descriptor, errors } = parse(source, { filename: file });
  assert.deepEqual(errors, [], `${file} parses`);
  const ast = descriptor.template?.ast;
  if (!ast) return [];
  const out: Literal[] = [];
  const at = (line: number) => `${file}:${line}`;
  const visit = (node: TemplateChildNode): void => {
    if (node.type === NodeTypes.TEXT) {
      const text = node.content.trim();
      if (text && hasLetter(text)) out.push({ where: at(node.loc.start.line), text });
      return;
    }
    if (node.type !== NodeTypes.ELEMENT) return;
    const el = node as ElementNode;
    for (const p of el.props) {
      if (p.type !== NodeTypes.ATTRIBUTE) continue; // bound (:title) and directives are expressions
      const a = p as AttributeNode;
      if (USER_FACING.has(a.name) && a.value && hasLetter(a.value.content)) out.push({ where: at(a.loc.start.line), text: `${a.name}="${a.value.content}"` });
    }
    for (const c of el.children) visit(c);
  };
  for (const c of ast.children) visit(c as TemplateChildNode);
  return out;
}

test('no renderer component holds a literal user-facing string outside the message files', () => {
  const files = vueFiles(SRC);
  assert.ok(files.length > 40, `found the components (${files.length})`);
  const found = files.flatMap((f) => literalStrings(readFileSync(f, 'utf8'), relative(ROOT, f)));
  assert.deepEqual(
    found.map((l) => `${l.where}: ${l.text}`),
    [],
    'move these to renderer/src/i18n/en.ts and zh-CN.ts and show them with t()',
  );
});

test('the check catches literal text and user-facing attributes, and lets expressions and symbols pass', () => {
  const sfc = `<template>
  <div title="Hello there" :aria-label="t('x')" data-testid="not-text">
    <span>Train</span> <b>{{ 'interpolated' }}</b> <i>×</i> <i>— 42 %</i>
    <input placeholder="0.0005" /><input placeholder="Type here" />
    <Child caption="per task" :label="label" />
  </div>
</template>`;
  assert.deepEqual(
    literalStrings(sfc, 'x.vue').map((l) => l.text),
    ['title="Hello there"', 'Train', 'placeholder="Type here"', 'caption="per task"'],
  );
});
