// Hand-built ONNX graphs exist only because onnxruntime-node has no training API: gradients are spelled out as forward ops.
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;

/** ONNX IR 8 is the oldest that allows opset 17, whose ops (axes as inputs, Pad with tensor pads) we use. */
const IR_VERSION = 8;
const OPSET = 17;

/** A dimension of a graph input: a fixed size, or a name for a size that is only known at run time. */
export type Dim = number | string;

/** Attribute values we emit: integers, integer lists, strings, and floats wrapped so they are not read as integers. */
export type Attribute = number | readonly number[] | string | { readonly float: number };

export type ElementType = 'float32' | 'int64';

const ELEMENT_TYPES: Record<ElementType, number> = {
  float32: onnx.TensorProto.DataType.FLOAT,
  int64: onnx.TensorProto.DataType.INT64,
};

/** Collects nodes, inputs, outputs and initializers, and serialises them into an ONNX model. */
export class GraphBuilder {
  private readonly nodes: InstanceType<typeof onnx.NodeProto>[] = [];
  private readonly inputs: InstanceType<typeof onnx.ValueInfoProto>[] = [];
  private readonly outputs: InstanceType<typeof onnx.ValueInfoProto>[] = [];
  private readonly initializers: InstanceType<typeof onnx.TensorProto>[] = [];
  private counter = 0;

  /** Declares a graph input and returns its value name. */
  input(name: string, dims: readonly Dim[], type: ElementType = 'float32'): string {
    this.inputs.push(valueInfo(name, type, dims));
    return name;
  }

  /** Exposes `value` as a graph output called `name`. */
  output(name: string, value: string, type: ElementType = 'float32'): void {
    this.nodes.push(onnx.NodeProto.create({ opType: 'Identity', input: [value], output: [name], name }));
    this.outputs.push(valueInfo(name, type));
  }

  /** A float32 constant of shape `dims`; a scalar when `dims` is empty. */
  floats(data: Float32Array | readonly number[], dims: readonly number[] = [data.length]): string {
    const array = data instanceof Float32Array ? data : Float32Array.from(data);
    return this.initializer('float32', array, dims);
  }

  /** An int64 constant vector, as shape and axis operands are. */
  ints(values: readonly number[]): string {
    return this.initializer(
      'int64',
      BigInt64Array.from(values, (v) => BigInt(v)),
      [values.length],
    );
  }

  /** Adds one node and returns its (first) output. */
  node(op: string, inputs: readonly string[], attributes: Readonly<Record<string, Attribute>> = {}): string {
    const [output] = this.nodeWithOutputs(op, inputs, 1, attributes);
    return output as string;
  }

  /** Adds one node with `count` outputs, e.g. MaxPool with its argmax indices. */
  nodeWithOutputs(
    op: string,
    inputs: readonly string[],
    count: number,
    attributes: Readonly<Record<string, Attribute>> = {},
  ): string[] {
    const name = `${op}_${this.counter++}`;
    const outputs = Array.from({ length: count }, (_, i) => `${name}:${i}`);
    this.nodes.push(
      onnx.NodeProto.create({
        opType: op,
        name,
        input: [...inputs],
        output: outputs,
        attribute: Object.entries(attributes).map(([key, value]) => attribute(key, value)),
      }),
    );
    return outputs;
  }

  /** The serialised model, ready for `InferenceSession.create`. */
  toBytes(graphName: string): Uint8Array {
    const model = onnx.ModelProto.create({
      irVersion: IR_VERSION,
      producerName: 'easel',
      opsetImport: [{ domain: '', version: OPSET }],
      graph: {
        name: graphName,
        node: this.nodes,
        input: this.inputs,
        output: this.outputs,
        initializer: this.initializers,
      },
    });
    return onnx.ModelProto.encode(model).finish();
  }

  private initializer(type: ElementType, data: Float32Array | BigInt64Array, dims: readonly number[]): string {
    const name = `const_${this.counter++}`;
    this.initializers.push(
      onnx.TensorProto.create({
        name,
        dataType: ELEMENT_TYPES[type],
        dims: [...dims],
        rawData: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
      }),
    );
    return name;
  }
}

function valueInfo(name: string, type: ElementType, dims?: readonly Dim[]): InstanceType<typeof onnx.ValueInfoProto> {
  const shape = dims && { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) };
  return onnx.ValueInfoProto.create({ name, type: { tensorType: { elemType: ELEMENT_TYPES[type], shape } } });
}

function attribute(name: string, value: Attribute): InstanceType<typeof onnx.AttributeProto> {
  const { AttributeType } = onnx.AttributeProto;
  if (typeof value === 'string') {
    return onnx.AttributeProto.create({ name, type: AttributeType.STRING, s: new TextEncoder().encode(value) });
  }
  if (typeof value === 'object' && 'float' in value) {
    return onnx.AttributeProto.create({ name, type: AttributeType.FLOAT, f: value.float });
  }
  const values = typeof value === 'number' ? [value] : value;
  if (!values.every(Number.isInteger)) throw new Error(`attribute ${name} must be integral, got ${String(value)}`);
  return typeof value === 'number'
    ? onnx.AttributeProto.create({ name, type: AttributeType.INT, i: value })
    : onnx.AttributeProto.create({ name, type: AttributeType.INTS, ints: [...value] });
}
