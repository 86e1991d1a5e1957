// The tokenizer of a Hugging Face checkpoint folder: tokenizer.json as it is, or WordPiece built from vocab.txt the
// way BertTokenizerFast builds it (lower-casing and accent stripping from tokenizer_config.json).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as hf from 'tokenizers';
import { bertLayout, layoutFromTokenizerJson, type Specials, type TokenLayout } from './token-layout';

type Json = Record<string, unknown>;

const readJson = (path: string): Json => {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Json;
  } catch (e) {
    throw new Error(`${path}: not valid JSON (${(e as Error).message})`);
  }
};

/** tokenizer_config.json's special-token names (strings or AddedToken objects with `content`). */
function specialNames(cfg: Json): Partial<Record<keyof Specials, string>> {
  const out: Partial<Record<keyof Specials, string>> = {};
  for (const k of ['pad', 'unk', 'cls', 'sep', 'mask'] as const) {
    const v = cfg[`${k}_token`];
    const s = typeof v === 'string' ? v : v && typeof v === 'object' && typeof (v as Json).content === 'string' ? ((v as Json).content as string) : undefined;
    if (s !== undefined) out[k] = s;
  }
  return out;
}

export interface CheckpointTokenizer { tk: hf.Tokenizer; layout: TokenLayout }

/** HF load_vocab: one token per line, the line index is the id (a later duplicate wins). */
function readVocabTxt(path: string): Record<string, number> {
  const lines = readFileSync(path, 'utf8').split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const vocab: Record<string, number> = {};
  lines.forEach((tok, i) => (vocab[tok] = i));
  return vocab;
}

/**
 * Loads `dir/tokenizer.json`, else builds a WordPiece tokenizer from `dir/vocab.txt` + `tokenizer_config.json`
 * (do_lower_case default true; strip_accents follows it unless given; tokenize_chinese_chars default true).
 */
export function readCheckpointTokenizer(dir: string): CheckpointTokenizer {
  if (!existsSync(dir)) throw new Error(`${dir}: no such folder`);
  const cfgPath = join(dir, 'tokenizer_config.json');
  const cfg = existsSync(cfgPath) ? readJson(cfgPath) : {};
  const names = specialNames(cfg);
  const tjPath = join(dir, 'tokenizer.json');
  if (existsSync(tjPath)) {
    const json = readFileSync(tjPath, 'utf8');
    let tk: hf.Tokenizer;
    try {
      tk = hf.Tokenizer.fromString(json);
    } catch (e) {
      throw new Error(`${tjPath}: not a tokenizer the tokenizers library reads (${(e as Error).message})`);
    }
    return { tk, layout: layoutFromTokenizerJson(JSON.parse(json) as Json, (t) => tk.tokenToId(t), names, tjPath) };
  }
  const vocabPath = join(dir, 'vocab.txt');
  if (!existsSync(vocabPath)) {
    const slow = ['vocab.json', 'sentencepiece.bpe.model', 'spiece.model'].find((f) => existsSync(join(dir, f)));
    const how = `python -c "from transformers import AutoTokenizer; AutoTokenizer.from_pretrained('${dir}').save_pretrained('${dir}')"`;
    throw new Error(slow
      ? `${dir}: has ${slow} but no tokenizer.json; Chorus reads tokenizer.json (or a WordPiece vocab.txt). Write one with: ${how}`
      : `${dir}: no tokenizer.json or vocab.txt`);
  }
  const vocab = readVocabTxt(vocabPath);
  const lower = cfg.do_lower_case === undefined ? true : cfg.do_lower_case === true;
  const strip = typeof cfg.strip_accents === 'boolean' ? cfg.strip_accents : lower;
  const chinese = cfg.tokenize_chinese_chars === undefined ? true : cfg.tokenize_chinese_chars === true;
  const id = (k: keyof Specials, dflt: string): number => {
    const t = names[k] ?? dflt;
    const v = vocab[t];
    if (v === undefined) throw new Error(`${vocabPath}: no ${k} token '${t}'`);
    return v;
  };
  const unkToken = names.unk ?? '[UNK]';
  const specials: Specials = { pad: id('pad', '[PAD]'), unk: id('unk', '[UNK]'), cls: id('cls', '[CLS]'), sep: id('sep', '[SEP]'), mask: id('mask', '[MASK]') };
  const tk = new hf.Tokenizer(hf.WordPiece.init(vocab, { unkToken, continuingSubwordPrefix: '##', maxInputCharsPerWord: 100 }));
  tk.setNormalizer(hf.bertNormalizer({ cleanText: true, handleChineseChars: chinese, stripAccents: strip, lowercase: lower }));
  tk.setPreTokenizer(hf.bertPreTokenizer());
  tk.setPostProcessor(hf.bertProcessing([names.sep ?? '[SEP]', specials.sep], [names.cls ?? '[CLS]', specials.cls]));
  tk.setDecoder(hf.wordPieceDecoder('##', true));
  // BertTokenizerFast never splits its special tokens out of the text
  tk.addSpecialTokens([...new Set([names.pad ?? '[PAD]', unkToken, names.cls ?? '[CLS]', names.sep ?? '[SEP]', names.mask ?? '[MASK]'])]);
  return { tk, layout: bertLayout(specials) };
}

/** Throws when the tokenizer can produce ids past the model's embedding table (config.json's vocab_size). */
export function checkVocabFits(tk: hf.Tokenizer, dir: string): void {
  const cfgPath = join(dir, 'config.json');
  if (!existsSync(cfgPath)) return;
  const v = readJson(cfgPath).vocab_size;
  if (typeof v !== 'number') return;
  const maxId = Object.values(tk.getVocab(true)).reduce((m, id) => Math.max(m, id), -1); // no spread: vocabularies run to 250k ids
  if (maxId >= v) throw new Error(`${dir}: the tokenizer has ids up to ${maxId}, but config.json's vocab_size is ${v}`);
}
