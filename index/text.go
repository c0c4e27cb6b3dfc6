package index

import (
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"

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
// it), and is the build's own: its codec (LoadTextCodec) belongs to the
// Build a server opens and closes with it, so a server holding two builds
// decodes each hit with its build's codec, and nothing outlives the build.
// Each frame names its dictionary by a random 32-bit ID, checked against
// the codec's.

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
	dec  *zstd.Decoder
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
	dopts := []zstd.DOption{zstd.WithDecoderMaxMemory(maxTextSize)}
	if id != 0 {
		dopts = append(dopts, zstd.WithDecoderDictRaw(id, dict))
	}
	dec, err := zstd.NewReader(nil, dopts...)
	if err != nil {
		return nil, fmt.Errorf("index: text decoder: %w", err)
	}
	return &TextCodec{id: id, dict: dict, enc: enc, dec: dec}, nil
}

// Close releases the codec's encoder and decoder. The codec without a
// dictionary, shared, is never closed.
func (c *TextCodec) Close() {
	if c == plainText {
		return
	}
	c.enc.Close()
	c.dec.Close()
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
		if id == 0 {
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
// returns its codec: to read the pages the build stores (see Build.Page),
// and to encode more pages with it (an incremental build). A build without
// TextDictFile gets the codec without a dictionary. Close it with the
// build.
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

// decode returns the description and body of a stored text, which must be
// of the codec's dictionary.
func (c *TextCodec) decode(stored string) (description, body string, err error) {
	frame := []byte(stored)
	var h zstd.Header
	if err := h.Decode(frame); err != nil {
		return "", "", fmt.Errorf("index: stored text: %w", err)
	}
	if h.DictionaryID != c.id {
		return "", "", fmt.Errorf("index: stored text of dictionary %d read with the codec of dictionary %d (a page of another build?)", h.DictionaryID, c.id)
	}
	src, err := c.dec.DecodeAll(frame, nil)
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
