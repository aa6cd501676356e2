package classify

import (
	"bytes"
	"compress/gzip"
	"flag"
	"os"
	"reflect"
	"testing"
)

var updateModel = flag.Bool("update-model", false, "write default.model.gz from the corpus (go generate ./assistant/classify)")

// TestDefaultModel trains the default classifier afresh and requires the
// embedded default.model.gz to hold exactly it, so a change to the corpus or
// the features cannot leave the model the product reads with behind, and
// requires the model read from the file to be the one trained. Training
// reads with the dictionary alone: no test of this package teaches the
// segmenter words.
func TestDefaultModel(t *testing.T) {
	ex, err := Corpus()
	if err != nil {
		t.Fatal(err)
	}
	fresh := New(ex, TrainOptions{})
	data := fresh.Encode()
	if *updateModel {
		var gz bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&gz, gzip.BestCompression)
		zw.Write(data)
		if err := zw.Close(); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile("default.model.gz", gz.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("wrote default.model.gz: %d bytes, %d unpacked", gz.Len(), len(data))
		return
	}
	embedded, err := gunzip(defaultModelGz)
	if err != nil {
		t.Fatalf("default.model.gz: %v", err)
	}
	// The unpacked bytes: another Go's gzip may pack the same model apart.
	if !bytes.Equal(data, embedded) {
		t.Fatalf("default.model.gz (%d bytes unpacked) is not the model the corpus trains today (%d bytes): run go generate ./assistant/classify",
			len(embedded), len(data))
	}
	if got := Default(); !reflect.DeepEqual(got, fresh) {
		t.Error("the model read from default.model differs from the one trained")
	}
}

func TestDecodeErrors(t *testing.T) {
	ex, err := Corpus()
	if err != nil {
		t.Fatal(err)
	}
	defaultModel, err := gunzip(defaultModelGz)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		data   []byte
		corpus []Example
		want   string
	}{
		{"not a model", []byte("hello"), ex, "not a classifier model file"},
		{"cut short", defaultModel[:len(defaultModel)/2], ex, "file ends early"},
		{"trailing bytes", append(bytes.Clone(defaultModel), 0), ex, "1 bytes after the agent model"},
		{"another corpus", defaultModel, ex[:len(ex)-1], "the model is stale"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Decode(tt.data, tt.corpus)
			if err == nil || !bytes.Contains([]byte(err.Error()), []byte(tt.want)) {
				t.Errorf("Decode: %v, want an error with %q", err, tt.want)
			}
		})
	}
}
