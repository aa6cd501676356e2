package segment

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	"github.com/go-ego/gse"
	"github.com/vcaesar/cedar"
)

// A copy's dictionary before any shop's words (words.txt, then gse's) is
// the same on every start of a binary, and building it is most of what a
// first turn waits for: 350,000 inserts into cedar's double-array trie, one
// after another. A server keeps what they built, the trie's arrays and the
// token list, in the user's cache directory, and its next start (or
// another process's) reads them back: the same arrays and tokens, field for
// field (TestKeptDictionaryIsTheBuiltOne).
//
// cedar and gse hold them in unexported fields, read and written here
// through mirrors checked field by field against the libraries' types, as
// gseToken is: with a cedar or gse whose layout differs nothing is kept and
// every start builds, as before. A file that is not whole or not this
// binary's (its key: the dictionaries' texts, gse's and cedar's versions,
// keptVersion and the layout) is built over.

// keptFile starts the file's name in the directory KeepDictionaryIn names.
const keptFile = "dictionary"

const keptMagic = "assist-dictionary/2\n"

// keptVersion names how loadDict builds the dictionary from its texts: bump
// it when that changes, so that no start reads a dictionary built the old
// way. TestKeptDictionaryFingerprint fails until it is bumped.
const keptVersion = 1

var (
	keptMu  sync.Mutex
	keptDir string // "" keeps nothing
)

// KeepDictionaryIn has the dictionary kept in dir once built, and read back
// from there by later loads, this process's and others'. Call it before
// the first load; "" keeps nothing (the default). The file depends on the
// dictionaries built into the binary, not on any store: CacheDir is the
// place for it.
func KeepDictionaryIn(dir string) {
	keptMu.Lock()
	keptDir = dir
	keptMu.Unlock()
}

// CacheDir is the user's cache directory for assist ($XDG_CACHE_HOME/assist,
// ~/.cache/assist), "" where the user has none.
func CacheDir() string {
	dir, err := os.UserCacheDir()
	if err != nil {
		return ""
	}
	return filepath.Join(dir, "assist")
}

// keptPath is the kept file's path: its name holds the start of the key,
// so that binaries with other dictionaries keep theirs beside.
func keptPath() string {
	keptMu.Lock()
	defer keptMu.Unlock()
	if keptDir == "" {
		return ""
	}
	key := keptKey()
	return filepath.Join(keptDir, fmt.Sprintf("%s-%x.kept", keptFile, key[:8]))
}

type cedarMirror struct {
	Reduced          bool
	array            []cedar.Node
	nInfos           []cedar.NInfo
	blocks           []cedar.Block
	reject           [257]int
	blocksHeadFull   int
	blocksHeadClosed int
	blocksHeadOpen   int
	capacity         int
	size             int
	ordered          bool
	maxTrial         int
}

type nodeMirror struct{ baseV, check int }

type nInfoMirror struct{ sibling, child byte }

type blockMirror struct{ prev, next, num, reject, trial, eHead int }

type dictMirror struct {
	trie        *cedar.Cedar
	maxTokenLen int
	Tokens      []gse.Token
	totalFreq   float64
}

// keepable: every type the file is made of is mirrored. The arrays'
// elements hold integers only, so they are written as their bytes.
var keepable = tokenMirrored &&
	sameLayout(reflect.TypeFor[cedar.Cedar](), reflect.TypeFor[cedarMirror]()) &&
	sameLayout(reflect.TypeFor[cedar.Node](), reflect.TypeFor[nodeMirror]()) &&
	sameLayout(reflect.TypeFor[cedar.NInfo](), reflect.TypeFor[nInfoMirror]()) &&
	sameLayout(reflect.TypeFor[cedar.Block](), reflect.TypeFor[blockMirror]()) &&
	sameLayout(reflect.TypeFor[gse.Dictionary](), reflect.TypeFor[dictMirror]())

// keptKey names what a kept dictionary was built from: the texts, and the
// machine's layout of the arrays written as bytes.
var keptKey = sync.OnceValue(func() [32]byte {
	h := sha256.New()
	fmt.Fprintf(h, "%s %d %s %d %d %d %s %s %d\n", keptMagic, keptVersion, runtime.GOARCH, unsafe.Sizeof(cedar.Node{}),
		unsafe.Sizeof(cedar.NInfo{}), unsafe.Sizeof(cedar.Block{}), moduleVersion("github.com/go-ego/gse"),
		moduleVersion("github.com/vcaesar/cedar"), len(embeddedWords))
	// Hashed where they lie: a copy of gse's 10 MB text would be 2,500 new
	// pages to fault in at every start.
	h.Write(unsafe.Slice(unsafe.StringData(embeddedWords), len(embeddedWords)))
	h.Write(unsafe.Slice(unsafe.StringData(gseZhS), len(gseZhS)))
	var k [32]byte
	h.Sum(k[:0])
	return k
})

// moduleVersion is the version of module path built in, "" if unknown.
func moduleVersion(path string) string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return ""
	}
	for _, m := range info.Deps {
		if m.Path == path {
			if m.Replace != nil {
				m = m.Replace
			}
			return m.Version + " " + m.Sum
		}
	}
	return ""
}

func dictOf(seg *gse.Segmenter) *dictMirror { return (*dictMirror)(unsafe.Pointer(seg.Dict)) }

func trieOf(seg *gse.Segmenter) *cedarMirror { return (*cedarMirror)(unsafe.Pointer(dictOf(seg).trie)) }

// bytesOf is the memory of s's elements.
func bytesOf[T any](s []T) []byte {
	if len(s) == 0 {
		return nil
	}
	return unsafe.Slice((*byte)(unsafe.Pointer(&s[0])), len(s)*int(unsafe.Sizeof(s[0])))
}

// keptHeader is the file's fixed part after the magic and the key: the
// trie's scalars and the sizes of what follows.
type keptHeader struct {
	Reduced, Ordered                                 int64
	Reject                                           [257]int64
	BlocksHeadFull, BlocksHeadClosed, BlocksHeadOpen int64
	Capacity, Size, MaxTrial                         int64
	Array, NInfos, Blocks                            int64 // elements
	MaxTokenLen                                      int64
	TotalFreq                                        float64
	Tokens, TokenBytes, Pieces                       int64
}

var keptHeaderSize = binary.Size(keptHeader{})

func asInt(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

// encodeKept is the file of seg's dictionary as built, before weighing:
// the magic, the key, the header, the trie's arrays as their bytes, the
// tokens, and a checksum of all that. It is nil if seg holds what the file
// cannot (a weighed token).
func encodeKept(seg *gse.Segmenter) []byte {
	d, t := dictOf(seg), trieOf(seg)
	var toks []byte
	pieces := 0
	for k := range d.Tokens {
		m := mirror(&d.Tokens[k])
		if m.distance != 0 || m.segments != nil {
			return nil
		}
		toks = binary.AppendUvarint(toks, uint64(len(m.text)))
		pieces += len(m.text)
		for _, piece := range m.text {
			toks = binary.AppendUvarint(toks, uint64(len(piece)))
			toks = append(toks, piece...)
		}
		toks = binary.LittleEndian.AppendUint64(toks, math.Float64bits(m.freq))
		toks = binary.AppendUvarint(toks, uint64(len(m.pos)))
		toks = append(toks, m.pos...)
	}
	h := keptHeader{Reduced: asInt(t.Reduced), Ordered: asInt(t.ordered),
		BlocksHeadFull: int64(t.blocksHeadFull), BlocksHeadClosed: int64(t.blocksHeadClosed), BlocksHeadOpen: int64(t.blocksHeadOpen),
		Capacity: int64(t.capacity), Size: int64(t.size), MaxTrial: int64(t.maxTrial),
		Array: int64(len(t.array)), NInfos: int64(len(t.nInfos)), Blocks: int64(len(t.blocks)),
		MaxTokenLen: int64(d.maxTokenLen), TotalFreq: d.totalFreq, Tokens: int64(len(d.Tokens)), TokenBytes: int64(len(toks)), Pieces: int64(pieces)}
	for k, v := range t.reject {
		h.Reject[k] = int64(v)
	}
	arrays := [][]byte{bytesOf(t.array), bytesOf(t.nInfos), bytesOf(t.blocks)}
	b := bytes.NewBuffer(make([]byte, 0, keptSize(h)))
	key := keptKey()
	b.WriteString(keptMagic)
	b.Write(key[:])
	binary.Write(b, binary.LittleEndian, &h)
	for _, a := range arrays {
		b.Write(a)
	}
	b.Write(toks)
	b.Write(binary.LittleEndian.AppendUint32(nil, crc32.Checksum(b.Bytes(), castagnoli)))
	return b.Bytes()
}

// keptSize is the size of a file with header h; -1 if h cannot be a
// header (negative or overflowing counts).
func keptSize(h keptHeader) int64 {
	size := int64(len(keptMagic) + 32 + keptHeaderSize + 4)
	for _, part := range []struct{ n, each int64 }{
		{h.Array, int64(unsafe.Sizeof(cedar.Node{}))},
		{h.NInfos, int64(unsafe.Sizeof(cedar.NInfo{}))},
		{h.Blocks, int64(unsafe.Sizeof(cedar.Block{}))},
		{h.TokenBytes, 1},
	} {
		if part.n < 0 || part.n > math.MaxInt32 {
			return -1
		}
		size += part.n * part.each
	}
	return size
}

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

var errNotKept = errors.New("not a kept dictionary of this binary")

// keptReader reads a file's token section; the first error sticks.
type keptReader struct {
	b   []byte
	err error
}

func (r *keptReader) fail() {
	if r.err == nil {
		r.err = errors.New("kept dictionary: tokens cut short")
	}
	r.b = nil
}

func (r *keptReader) take(k int) []byte {
	if r.err != nil || k < 0 || k > len(r.b) {
		r.fail()
		return nil
	}
	out := r.b[:k:k]
	r.b = r.b[k:]
	return out
}

func (r *keptReader) n() int {
	v, k := binary.Uvarint(r.b)
	if k <= 0 || v > uint64(len(r.b)) {
		r.fail()
		return 0
	}
	r.b = r.b[k:]
	return int(v)
}

func (r *keptReader) float() float64 {
	if p := r.take(8); p != nil {
		return math.Float64frombits(binary.LittleEndian.Uint64(p))
	}
	return 0
}

// readKeptFile puts the dictionary of the kept file f, of size bytes, into
// seg, a segmenter with a new dictionary; seg is unchanged if it returns
// an error. The trie's arrays are read straight into their place, the
// tokens into memory the collector does not scan, with what they point to
// held as long as they are (see unscanned).
func readKeptFile(seg *gse.Segmenter, f io.Reader, size int64, room int) (held *unscanned, err error) {
	head := make([]byte, len(keptMagic)+32+keptHeaderSize)
	if _, err := io.ReadFull(f, head); err != nil {
		return nil, errNotKept
	}
	key := keptKey()
	if string(head[:len(keptMagic)]) != keptMagic || !bytes.Equal(head[len(keptMagic):len(keptMagic)+32], key[:]) {
		return nil, errNotKept
	}
	var h keptHeader
	if err := binary.Read(bytes.NewReader(head[len(keptMagic)+32:]), binary.LittleEndian, &h); err != nil {
		return nil, err
	}
	if keptSize(h) != size || h.Tokens > h.TokenBytes || h.Pieces > h.TokenBytes {
		return nil, errors.New("kept dictionary: its size is not what its header says")
	}
	t := cedarMirror{Reduced: h.Reduced == 1, ordered: h.Ordered == 1,
		blocksHeadFull: int(h.BlocksHeadFull), blocksHeadClosed: int(h.BlocksHeadClosed), blocksHeadOpen: int(h.BlocksHeadOpen),
		capacity: int(h.Capacity), size: int(h.Size), maxTrial: int(h.MaxTrial),
		array: make([]cedar.Node, h.Array), nInfos: make([]cedar.NInfo, h.NInfos), blocks: make([]cedar.Block, h.Blocks)}
	for k, v := range h.Reject {
		t.reject[k] = int(v)
	}
	sum := crc32.Checksum(head, castagnoli)
	toks := make([]byte, h.TokenBytes)
	for _, part := range [][]byte{bytesOf(t.array), bytesOf(t.nInfos), bytesOf(t.blocks), toks} {
		populate(part)
		if _, err := io.ReadFull(f, part); err != nil {
			return nil, fmt.Errorf("kept dictionary: %w", err)
		}
		sum = crc32.Update(sum, castagnoli, part)
	}
	var tail [4]byte
	if _, err := io.ReadFull(f, tail[:]); err != nil || binary.LittleEndian.Uint32(tail[:]) != sum {
		return nil, errors.New("kept dictionary: checksum does not match (a torn or damaged file)")
	}
	// The words' bytes stay in the one block read, their pieces' headers in
	// another, and the few parts of speech are shared: a handful of objects
	// for the 350,000 words where a build makes two or three each.
	tokens := noscanOf[gse.Token](int(h.Tokens) + room)[:h.Tokens]
	texts := noscanOf[gse.Text](int(h.Pieces))
	pos := map[string]string{}
	held = &unscanned{pieces: texts, words: toks, pos: pos}
	holdFor(tokens, held)
	r := &keptReader{b: toks}
	for k := range tokens {
		m := mirror(&tokens[k])
		n := r.n()
		if n > len(texts) {
			r.fail()
			return nil, r.err
		}
		m.text, texts = texts[:n:n], texts[n:]
		for p := range m.text {
			m.text[p] = gse.Text(r.take(r.n()))
		}
		m.freq = r.float()
		b := r.take(r.n())
		if m.pos = pos[string(b)]; m.pos == "" && len(b) > 0 {
			m.pos = string(b)
			pos[m.pos] = m.pos
		}
		if r.err != nil {
			return nil, r.err
		}
	}
	if len(r.b) != 0 || len(texts) != 0 {
		return nil, errors.New("kept dictionary: bytes left after the last token")
	}
	trie := new(cedar.Cedar)
	*(*cedarMirror)(unsafe.Pointer(trie)) = t
	d := dictOf(seg)
	d.trie, d.maxTokenLen, d.Tokens, d.totalFreq = trie, int(h.MaxTokenLen), tokens, h.TotalFreq
	return held, nil
}

// readKept fills seg's new dictionary from the kept file, if there is one
// of this binary, and returns what its tokens point to (see unscanned);
// nil: build it.
func readKept(seg *gse.Segmenter, room int) *unscanned {
	path := keptPath()
	if path == "" || !keepable {
		return nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil
	}
	held, err := readKeptFile(seg, f, info.Size(), room)
	if err != nil {
		return nil
	}
	keptReads.Add(1)
	return held
}

// keptReads counts the loads that read a kept file (for tests).
var keptReads atomic.Int64

// keepBuilt writes file, the encoding of a dictionary just built, to the
// kept file: to a temporary file first, renamed over, so that a load
// beside (another process) reads a whole file or none. A file that cannot
// be written is left: the next start builds again.
func keepBuilt(file []byte) {
	path := keptPath()
	if path == "" || !keepable {
		return
	}
	if file == nil || os.MkdirAll(filepath.Dir(path), 0o750) != nil {
		return
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), keptFile+".*")
	if err != nil {
		return
	}
	_, err = tmp.Write(file)
	if err = errors.Join(err, tmp.Close()); err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		os.Remove(tmp.Name())
		return
	}
	pruneKept(filepath.Dir(path), path, time.Now())
}

// keptOthers is how many files of other dictionaries a directory keeps
// beside the one just written: the newest, for a binary of the version
// before still running (a rolling upgrade, a second server) or started
// again. Older ones belong to binaries long replaced, 46 MB each.
const keptOthers = 1

// staleTemp is the age after which a temporary file of keepBuilt is one
// left by a process that stopped while writing it.
const staleTemp = time.Hour

// pruneKept removes from dir the kept files of other dictionaries but the
// newest keptOthers, and temporary files of keepBuilt older than
// staleTemp; mine is the file just written. A file that cannot be removed
// is left.
func pruneKept(dir, mine string, now time.Time) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	type kept struct {
		path string
		at   time.Time
	}
	var others []kept
	for _, e := range entries {
		name := e.Name()
		info, err := e.Info()
		if err != nil || !info.Mode().IsRegular() {
			continue
		}
		path := filepath.Join(dir, name)
		switch {
		case path == mine:
		case strings.HasPrefix(name, keptFile+"-") && strings.HasSuffix(name, ".kept"):
			others = append(others, kept{path, info.ModTime()})
		case strings.HasPrefix(name, keptFile+".") && now.Sub(info.ModTime()) > staleTemp:
			os.Remove(path)
		}
	}
	slices.SortFunc(others, func(a, b kept) int { return b.at.Compare(a.at) })
	for _, k := range others[min(keptOthers, len(others)):] {
		os.Remove(k.path)
	}
}
