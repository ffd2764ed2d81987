/**
 * The tensor info section: for each tensor its name, dimension count, dimensions, ggml type
 * and data offset (relative to the data section). The checks are those llama.cpp's gguf
 * reader makes (ggml `gguf.cpp`: names unique and under 64 bytes, at most 4 dimensions,
 * rows a whole number of blocks), plus ours: dimensions are at least 1 and every tensor's
 * data lies inside the file at an aligned offset.
 */
import { formatByteSize, quoteName } from './gguf-errors';
import type { GgufTensorInfo } from './gguf-types';
import { ggmlByteSize, ggmlTypeLayout, ggmlTypeName } from './ggml-tensor-types';
import type { HeaderWindow } from './header-window';
import { readName } from './read-values';

/** The spec: a tensor name "must be at most 64 bytes long". */
const MAX_TENSOR_NAME_BYTES = 64;
/** The spec: "Currently at most 4" dimensions (GGML_MAX_DIMS). */
const MAX_DIMS = 4;

export interface TensorInfoAt {
  info: GgufTensorInfo;
  /** File offset of the tensor's stored data offset, for messages. */
  offsetAt: number;
}

export async function readTensorInfos(w: HeaderWindow, count: number): Promise<TensorInfoAt[]> {
  const tensors: TensorInfoAt[] = [];
  const names = new Set<string>();
  await w.resumable(() => {
    while (tensors.length < count) {
      w.context = `tensor info ${tensors.length + 1} of ${count}`;
      const tensor = readTensorInfo(w, names);
      names.add(tensor.info.name);
      tensors.push(tensor);
      w.commit();
    }
  });
  w.context = '';
  return tensors;
}

/** One tensor info. Adds nothing to `names` itself, so a retried step can run it again. */
function readTensorInfo(w: HeaderWindow, names: ReadonlySet<string>): TensorInfoAt {
  const nameAt = w.pos;
  const name = readName(w, 'tensor name', MAX_TENSOR_NAME_BYTES);
  if (names.has(name)) w.fail(`tensor name ${quoteName(name)} at byte ${nameAt} appears twice`);
  w.context = `tensor ${quoteName(name)}`;

  const dimCountAt = w.pos;
  const dimCount = w.u32('a dimension count');
  if (dimCount < 1 || dimCount > MAX_DIMS) {
    w.fail(`${dimCount} dimensions at byte ${dimCountAt}; a GGUF tensor has 1 to ${MAX_DIMS}`);
  }
  const dims: number[] = [];
  let elements = 1;
  for (let d = 0; d < dimCount; d++) {
    const at = w.pos;
    const dim = w.u64('a dimension');
    // ggml reads dimensions as int64: one past 2^63 would be negative there.
    if (dim < 1 || dim > Number.MAX_SAFE_INTEGER) {
      w.fail(`dimension ${d} at byte ${at} is ${w.u64TextAt(at)}; it must be from 1 to 2^53`);
    }
    elements *= dim;
    if (elements > Number.MAX_SAFE_INTEGER) w.fail(`the dimensions up to byte ${w.pos} make more than 2^53 elements`);
    dims.push(dim);
  }

  const typeAt = w.pos;
  const type = w.u32('a tensor type');
  const layout = ggmlTypeLayout(type);
  const rowLength = dims[0] as number;
  if (layout && rowLength % layout.blockSize !== 0) {
    w.fail(
      `rows of ${rowLength} elements are not a whole number of ${layout.name} blocks ` +
        `(${layout.blockSize} elements each; type at byte ${typeAt})`,
    );
  }

  const offsetAt = w.pos;
  const offset = w.u64('a tensor data offset');
  if (offset > w.fileSize) {
    w.fail(`data offset ${w.u64TextAt(offsetAt)} at byte ${offsetAt} is past the end of the file (${formatByteSize(w.fileSize)})`);
  }
  const byteSize = ggmlByteSize(type, elements);
  return { info: { name, dims, type, typeName: ggmlTypeName(type), offset, byteSize }, offsetAt };
}

/**
 * Every tensor's data must start at a multiple of the alignment (the spec: "Must be a
 * multiple of ALIGNMENT") and end inside the file. Tensors of an unknown type are checked
 * for their start only.
 */
export function checkTensorPlacement(w: HeaderWindow, tensors: readonly TensorInfoAt[], dataOffset: number, alignment: number): void {
  for (const { info, offsetAt } of tensors) {
    w.context = `tensor ${quoteName(info.name)}`;
    if (info.offset % alignment !== 0) {
      w.fail(`data offset ${info.offset} at byte ${offsetAt} is not a multiple of the alignment (${alignment})`);
    }
    const start = dataOffset + info.offset;
    const end = start + (info.byteSize ?? 0);
    if (end > w.fileSize) {
      const size = info.byteSize === null ? '' : `${formatByteSize(info.byteSize)} of `;
      w.fail(
        `its ${size}data from byte ${start} (offset stored at byte ${offsetAt}) runs past the end of the file (${formatByteSize(w.fileSize)})`,
      );
    }
  }
  w.context = '';
}
