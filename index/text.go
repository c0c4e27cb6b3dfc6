package index

import (
	"bytes"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"

	"github.com/klauspost/compress/zstd"
)

// Stored text.
//
// The description and body of a page are stored together in one field,
// FieldText, as a zstd frame: most of an index's bytes are this text, and
// bleve stores fields with snappy, which leaves French text at about 0.6 to
// 0.75 of its size. Pages are stored one by one (a hit reads one page), and
// a short text compresses badly on its own, so each build has a dictionary
// of its own: some of its pages' text, which zstd refers to as if it came
// before every page (a "raw content" dictionary). With it a page takes 0.35
// to 0.45 of its size (measured on the synthetic corpus and the real
// French corpora; see BENCHMARKS.md).
//
// The dictionary lives in the build directory (TextDictFile), travels with
// it to read replicas and into incremental builds (Dir.CloneBuild copies
// it), and is known to the process once the build is opened (Dir.OpenBuild
// registers it). Each frame names its dictionary by a random 32-bit ID, so
// a server holding two builds decodes each hit with the right one.

// TextDictFile is the file of a build directory that holds the dictionary
// of its stored text: the dictionary ID (4 bytes, little-endian), then its
// content.
const TextDictFile = "text.dict"

// Dictionary geometry: up to textDictSize bytes, made of the first
// textDictChunk bytes of as many sample texts.
const (
	textDictSize  = 110 << 10
	textDictChunk = 1 << 10
	// maxTextSize bounds the decompressed size of one stored text, so that a
	// corrupt frame cannot claim unbounded memory.
	maxTextSize = 256 << 20
)

// A TextCodec compresses the stored text of the pages of one build. Its
// methods are safe for concurrent use.
type TextCodec struct {
	id   uint32 // 0: no dictionary
	dict []byte
	enc  *zstd.Encoder
}

// plainText is the codec without a dictionary: Document's, for indexes made
// outside a Dir (tests, tools).
var plainText = mustTextCodec(newTextCodec(0, nil))

func mustTextCodec(c *TextCodec, err error) *TextCodec {
	if err != nil {
		panic(err)
	}
	return c
}

func newTextCodec(id uint32, dict []byte) (*TextCodec, error) {
	opts := []zstd.EOption{
		zstd.WithEncoderLevel(zstd.SpeedFastest), // as small as the slower levels on page text, twice as fast
		zstd.WithEncoderCRC(false),               // the segment files have their own checksums
	}
	if id != 0 {
		opts = append(opts, zstd.WithEncoderDictRaw(id, dict))
	}
	enc, err := zstd.NewWriter(nil, opts...)
	if err != nil {
		return nil, fmt.Errorf("index: text encoder: %w", err)
	}
	if err := registerTextDict(id, dict); err != nil {
		return nil, err
	}
	return &TextCodec{id: id, dict: dict, enc: enc}, nil
}

// TrainTextCodec returns a new codec whose dictionary is made of the
// beginnings of samples (the texts of some of the build's pages; a few
// hundred are plenty), under a new random ID. With no sample text it returns
// a codec without a dictionary.
func TrainTextCodec(samples []string) (*TextCodec, error) {
	var dict []byte
	for _, s := range samples {
		if len(dict) >= textDictSize {
			break
		}
		dict = append(dict, s[:min(len(s), textDictChunk, textDictSize-len(dict))]...)
	}
	if len(dict) < 8 { // zstd's smallest dictionary
		return newTextCodec(0, nil)
	}
	for {
		var b [4]byte
		if _, err := rand.Read(b[:]); err != nil {
			return nil, fmt.Errorf("index: text dictionary id: %w", err)
		}
		id := binary.LittleEndian.Uint32(b[:])
		if id == 0 || textDictKnown(id) {
			continue
		}
		return newTextCodec(id, dict)
	}
}

// Save writes the codec's dictionary to the build directory buildPath
// (TextDictFile), durably. A codec without a dictionary writes none.
func (c *TextCodec) Save(buildPath string) error {
	if c.id == 0 {
		return nil
	}
	b := binary.LittleEndian.AppendUint32(nil, c.id)
	if err := writeFileAtomic(filepath.Join(buildPath, TextDictFile), append(b, c.dict...)); err != nil {
		return fmt.Errorf("index: save text dictionary: %w", err)
	}
	return nil
}

// LoadTextCodec reads the dictionary of the build directory buildPath and
// returns its codec, to encode more pages with it (an incremental build);
// the process can then decode the build's stored text too. A build without
// TextDictFile gets the codec without a dictionary.
func LoadTextCodec(buildPath string) (*TextCodec, error) {
	id, dict, err := readTextDict(buildPath)
	if err != nil {
		return nil, err
	}
	if id == 0 {
		return plainText, nil
	}
	return newTextCodec(id, dict)
}

// loadTextDict makes the process able to decode the stored text of the
// build directory buildPath: it registers the build's dictionary, without
// the encoder a reader does not need.
func loadTextDict(buildPath string) error {
	id, dict, err := readTextDict(buildPath)
	if err != nil {
		return err
	}
	return registerTextDict(id, dict)
}

// readTextDict reads the TextDictFile of the build directory buildPath: id
// 0 and no dictionary when the build has none.
func readTextDict(buildPath string) (id uint32, dict []byte, err error) {
	path := filepath.Join(buildPath, TextDictFile)
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return 0, nil, nil
	}
	if err != nil {
		return 0, nil, fmt.Errorf("index: load text dictionary: %w", err)
	}
	if len(b) < 4+8 {
		return 0, nil, fmt.Errorf("index: load text dictionary %s: %d bytes, too short", path, len(b))
	}
	if id = binary.LittleEndian.Uint32(b); id == 0 {
		return 0, nil, fmt.Errorf("index: load text dictionary %s: id 0", path)
	}
	return id, b[4:], nil
}

// encode returns the stored form of a page's description and body.
func (c *TextCodec) encode(description, body string) string {
	src := make([]byte, 0, binary.MaxVarintLen64+len(description)+len(body))
	src = binary.AppendUvarint(src, uint64(len(description)))
	src = append(src, description...)
	src = append(src, body...)
	return string(c.enc.EncodeAll(src, nil))
}

// decodeText returns the description and body of a stored text.
func decodeText(stored string) (description, body string, err error) {
	frame := []byte(stored)
	var h zstd.Header
	if err := h.Decode(frame); err != nil {
		return "", "", fmt.Errorf("index: stored text: %w", err)
	}
	dec := textDecoder(h.DictionaryID)
	if dec == nil {
		return "", "", fmt.Errorf("index: stored text: unknown dictionary %d (was its build opened with Dir.OpenBuild?)", h.DictionaryID)
	}
	src, err := dec.DecodeAll(frame, nil)
	if err != nil {
		return "", "", fmt.Errorf("index: stored text: %w", err)
	}
	n, k := binary.Uvarint(src)
	if k <= 0 || n > uint64(len(src)-k) {
		return "", "", errors.New("index: stored text: bad description length")
	}
	src = src[k:]
	return string(src[:n]), string(src[n:]), nil
}

// maxTextDicts bounds the dictionaries a process keeps. A server holds one
// or two builds at a time, but one that reindexes every night for a year
// would otherwise keep hundreds of dictionaries and their decoders.
const maxTextDicts = 16

// textDicts holds the dictionaries this process knows, by ID (0: none), each
// with its decoder and the tick of its last use. Beyond maxTextDicts the
// least recently used one is forgotten: a build that old is long closed (a
// build being searched uses its dictionary at every page of hits).
var textDicts struct {
	sync.RWMutex
	m    map[uint32]*textDict
	tick atomic.Int64
}

type textDict struct {
	dict    []byte
	dec     *zstd.Decoder
	lastUse atomic.Int64
}

func textDictKnown(id uint32) bool {
	textDicts.RLock()
	defer textDicts.RUnlock()
	_, ok := textDicts.m[id]
	return ok
}

func textDecoder(id uint32) *zstd.Decoder {
	textDicts.RLock()
	defer textDicts.RUnlock()
	d := textDicts.m[id]
	if d == nil {
		return nil
	}
	d.lastUse.Store(textDicts.tick.Add(1))
	return d.dec
}

// registerTextDict makes the process able to decode frames of dictionary
// id. Registering an ID again with the same content does nothing; with
// another content it fails (two builds drew the same random ID).
func registerTextDict(id uint32, dict []byte) error {
	textDicts.Lock()
	defer textDicts.Unlock()
	if old, ok := textDicts.m[id]; ok {
		if !bytes.Equal(old.dict, dict) {
			return fmt.Errorf("index: two text dictionaries have the id %d", id)
		}
		old.lastUse.Store(textDicts.tick.Add(1))
		return nil
	}
	opts := []zstd.DOption{zstd.WithDecoderMaxMemory(maxTextSize)}
	if id != 0 {
		opts = append(opts, zstd.WithDecoderDictRaw(id, dict))
	}
	dec, err := zstd.NewReader(nil, opts...)
	if err != nil {
		return fmt.Errorf("index: text decoder: %w", err)
	}
	if textDicts.m == nil {
		textDicts.m = map[uint32]*textDict{}
	}
	if len(textDicts.m) >= maxTextDicts {
		var oldest uint32
		first := true
		for k, d := range textDicts.m {
			if k != 0 && (first || d.lastUse.Load() < textDicts.m[oldest].lastUse.Load()) {
				oldest, first = k, false
			}
		}
		textDicts.m[oldest].dec.Close()
		delete(textDicts.m, oldest)
	}
	d := &textDict{dict: bytes.Clone(dict), dec: dec}
	d.lastUse.Store(textDicts.tick.Add(1))
	textDicts.m[id] = d
	return nil
}
