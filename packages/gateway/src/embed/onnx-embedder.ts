import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { Embedder } from './embedder';
import { EmbedderError } from './embedder-error';
import { normalizeVector } from './hash-embedder';

/**
 * Threshold of local sentence models: 0.87 is the protocol's self-host default, calibrated for
 * bge-small-en-v1.5-class models (the hosted gateway's model, whose unrelated prompts score about
 * 0.5–0.7 and paraphrases 0.85–0.95).
 */
export const ONNX_EMBEDDER_DEFAULT_THRESHOLD = 0.87;

/** Files a transformers.js model folder needs besides its `onnx/*.onnx` weights. */
const REQUIRED_MODEL_FILES = ['config.json', 'tokenizer.json'] as const;

/** The part of `@huggingface/transformers` this embedder uses. */
interface TransformersModule {
  env: { allowRemoteModels: boolean; allowLocalModels: boolean; localModelPath: string };
  pipeline(
    task: 'feature-extraction',
    model: string,
    options?: Record<string, unknown>,
  ): Promise<
    (
      texts: string[],
      options: { pooling: 'mean'; normalize: boolean },
    ) => Promise<{ dims: number[]; data: Float32Array | number[] }>
  >;
}

/**
 * Creates an embedder from a local sentence-embedding model folder (a transformers.js export:
 * `config.json`, `tokenizer.json`, `onnx/model.onnx`), run with `@huggingface/transformers`, mean
 * pooled and normalised. Nothing is ever downloaded: remote models are disabled and the folder is
 * loaded by path. `@huggingface/transformers` is an optional dependency the user installs.
 *
 * @example
 * // npm install @huggingface/transformers   (ONNXRUNTIME_NODE_INSTALL=skip if its install script cannot download)
 * const embedder = await createOnnxEmbedder('./models/bge-small-en-v1.5');
 * embedder.id; // 'onnx:bge-small-en-v1.5:384'
 */
export async function createOnnxEmbedder(modelDirectory: string): Promise<Embedder> {
  const directory = path.resolve(modelDirectory);
  await assertModelFolder(directory);
  const transformers = await importTransformers();
  // Loading by path from the parent folder keeps every lookup local.
  transformers.env.allowRemoteModels = false;
  transformers.env.allowLocalModels = true;
  transformers.env.localModelPath = path.dirname(directory);
  const modelName = path.basename(directory);
  let extract: Awaited<ReturnType<TransformersModule['pipeline']>>;
  try {
    extract = await transformers.pipeline('feature-extraction', modelName, { dtype: 'fp32' });
  } catch (error) {
    throw new EmbedderError(
      'embedder_unavailable',
      `could not load the ONNX model in ${directory}: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
  const embedTexts = async (texts: readonly string[]): Promise<Float32Array[]> => {
    const vectors: Float32Array[] = new Array(texts.length);
    const pending: number[] = [];
    texts.forEach((text, index) => {
      if (text.trim() === '') vectors[index] = new Float32Array(dimensions);
      else pending.push(index);
    });
    if (pending.length === 0) return vectors;
    const output = await extract(
      pending.map((index) => texts[index]!),
      { pooling: 'mean', normalize: true },
    );
    const width = output.dims.at(-1) ?? 0;
    pending.forEach((textIndex, row) => {
      vectors[textIndex] = normalizeVector(
        Float32Array.from(output.data.slice(row * width, (row + 1) * width)),
      );
    });
    return vectors;
  };
  let dimensions = 0;
  const [probe] = await embedTexts(['dimension probe']);
  dimensions = probe!.length;
  return {
    id: `onnx:${modelName}:${dimensions}`,
    dimensions,
    defaultThreshold: ONNX_EMBEDDER_DEFAULT_THRESHOLD,
    async embed(texts, signal) {
      signal?.throwIfAborted();
      return embedTexts(texts);
    },
  };
}

async function assertModelFolder(directory: string): Promise<void> {
  const isDirectory = await stat(directory).then(
    (stats) => stats.isDirectory(),
    () => false,
  );
  if (!isDirectory) {
    throw new EmbedderError(
      'embedder_unavailable',
      `ONNX model folder not found: ${directory} (expected a transformers.js model folder with ${REQUIRED_MODEL_FILES.join(', ')} and onnx/model.onnx)`,
    );
  }
  for (const file of REQUIRED_MODEL_FILES) {
    const present = await stat(path.join(directory, file)).then(
      (stats) => stats.isFile(),
      () => false,
    );
    if (!present) {
      throw new EmbedderError(
        'embedder_unavailable',
        `ONNX model folder ${directory} has no ${file} (expected a transformers.js model folder with ${REQUIRED_MODEL_FILES.join(', ')} and onnx/model.onnx)`,
      );
    }
  }
}

async function importTransformers(): Promise<TransformersModule> {
  // A variable specifier keeps bundlers and TypeScript from requiring this optional package.
  const specifier = '@huggingface/transformers';
  try {
    return (await import(/* @vite-ignore */ specifier)) as TransformersModule;
  } catch (error) {
    const code = (error as { code?: unknown } | undefined)?.code;
    const notInstalled =
      (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') &&
      String((error as Error).message).includes(specifier);
    if (!notInstalled) {
      throw new EmbedderError(
        'embedder_unavailable',
        `could not load @huggingface/transformers for the onnx embedder: ${error instanceof Error ? error.message : String(error)}`,
        { cause: error },
      );
    }
    throw new EmbedderError(
      'embedder_unavailable',
      'the onnx embedder needs the optional package @huggingface/transformers: run ' +
        '`npm install @huggingface/transformers` next to the gateway (if onnxruntime-node cannot ' +
        'download its binaries during install, set ONNXRUNTIME_NODE_INSTALL=skip)',
      { cause: error },
    );
  }
}
