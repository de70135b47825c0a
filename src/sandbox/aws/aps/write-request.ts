/**
 * Decoding of a Prometheus remote write 1.0 body: snappy block format around a protobuf WriteRequest
 * (prometheus/prompb types.proto: WriteRequest{timeseries=1} TimeSeries{labels=1, samples=2} Label{name=1, value=2}
 * Sample{value=1 double, timestamp=2 int64 ms}). Schema parsed lazily, on the first request.
 */
import protobuf from 'protobufjs';
import snappy from 'snappy';

const PROMPB = `
syntax = "proto3";
package prometheus;
message WriteRequest { repeated TimeSeries timeseries = 1; }
message TimeSeries { repeated Label labels = 1; repeated Sample samples = 2; }
message Label { string name = 1; string value = 2; }
message Sample { double value = 1; int64 timestamp = 2; }
`;

export interface WrittenSeries {
  labels: Record<string, string>;
  samples: { value: number; timestampMs: number }[];
}

let writeRequestType: protobuf.Type | undefined;

function writeRequest(): protobuf.Type {
  writeRequestType ??= protobuf.parse(PROMPB).root.lookupType('prometheus.WriteRequest');
  return writeRequestType;
}

/** Throws an Error whose message says what is wrong with the body. */
export function decodeRemoteWrite(body: Buffer): WrittenSeries[] {
  let payload: Buffer;
  try {
    // copyOutputData: freed with the Buffer, not left to the native module's allocator (see the remote write exporter)
    payload = snappy.uncompressSync(body, { asBuffer: true, copyOutputData: true }) as Buffer;
  } catch (error) {
    throw new Error(`the body is not snappy-compressed (block format): ${(error as Error).message}`);
  }
  let message: {
    timeseries?: { labels?: { name: string; value: string }[]; samples?: { value: number; timestamp: number }[] }[];
  };
  try {
    const type = writeRequest();
    message = type.toObject(type.decode(payload), { longs: Number, defaults: true }) as typeof message;
  } catch (error) {
    throw new Error(`the body is not a protobuf WriteRequest: ${(error as Error).message}`);
  }
  return (message.timeseries ?? []).map((series, index) => {
    const labels: Record<string, string> = {};
    for (const label of series.labels ?? []) {
      if (label.name === '') throw new Error(`timeseries[${index}] has a label with an empty name`);
      if (label.name in labels) throw new Error(`timeseries[${index}] has the label ${label.name} twice`);
      labels[label.name] = label.value;
    }
    if (labels.__name__ === undefined || labels.__name__ === '') {
      throw new Error(`timeseries[${index}] has no __name__ label`);
    }
    return {
      labels,
      samples: (series.samples ?? []).map((sample) => ({ value: sample.value, timestampMs: sample.timestamp })),
    };
  });
}
