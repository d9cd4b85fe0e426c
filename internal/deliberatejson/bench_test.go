package deliberatejson

import (
	"bytes"
	"encoding/json"
	"io"
	"testing"

	"cqp/internal/deliberatejson/benchinput"
)

// BenchmarkDeliberate runs 10 000 candidates × 7 blocks through the contract, output discarded.
// The MB/s figure is input read per second.
func BenchmarkDeliberate(b *testing.B) {
	var in bytes.Buffer
	if err := benchinput.Write(&in, 10000, 1); err != nil {
		b.Fatal(err)
	}
	data := in.Bytes()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if err := Deliberate(data, io.Discard); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkEncodingJSONFloor decodes and re-encodes the same input with encoding/json into
// generic values: the standard library's floor for reading and writing that much JSON, for
// comparison with BenchmarkDeliberate.
func BenchmarkEncodingJSONFloor(b *testing.B) {
	var in bytes.Buffer
	if err := benchinput.Write(&in, 10000, 1); err != nil {
		b.Fatal(err)
	}
	data := in.Bytes()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		var v any
		if err := json.Unmarshal(data, &v); err != nil {
			b.Fatal(err)
		}
		if err := json.NewEncoder(io.Discard).Encode(v); err != nil {
			b.Fatal(err)
		}
	}
}
