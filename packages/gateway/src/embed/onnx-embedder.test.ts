import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EmbedderError } from './embedder-error';
import { createOnnxEmbedder } from './onnx-embedder';

let workspace: string;

beforeAll(async () => {
  workspace = await mkdtemp(path.join(tmpdir(), 'cachecore-onnx-'));
});

afterAll(async () => {
  await rm(workspace, { recursive: true, force: true });
});

async function createModelFolder(name: string, files: readonly string[]): Promise<string> {
  const folder = path.join(workspace, name);
  await mkdir(folder, { recursive: true });
  for (const file of files) await writeFile(path.join(folder, file), '{}');
  return folder;
}

describe('createOnnxEmbedder', () => {
  it('names the folder when it does not exist', async () => {
    const missing = path.join(workspace, 'no-such-model');
    const failure = await createOnnxEmbedder(missing).catch((error: unknown) => error);
    expect(EmbedderError.isInstance(failure)).toBe(true);
    expect(failure).toMatchObject({ code: 'embedder_unavailable' });
    expect((failure as Error).message).toContain(`ONNX model folder not found: ${missing}`);
  });

  it('names the missing file of an incomplete model folder', async () => {
    const folder = await createModelFolder('no-tokenizer', ['config.json']);
    await expect(createOnnxEmbedder(folder)).rejects.toThrow(`${folder} has no tokenizer.json`);
  });

  it('tells the user to install @huggingface/transformers when it is absent', async () => {
    const folder = await createModelFolder('complete', ['config.json', 'tokenizer.json']);
    const failure = await createOnnxEmbedder(folder).catch((error: unknown) => error);
    expect(failure).toMatchObject({ code: 'embedder_unavailable' });
    expect((failure as Error).message).toContain('npm install @huggingface/transformers');
    expect((failure as Error).message).toContain('ONNXRUNTIME_NODE_INSTALL=skip');
  });
});
