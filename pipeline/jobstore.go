package pipeline

import (
	"context"
	"time"

	"github.com/bitext/bitext"
	"github.com/bitext/bitext/store"
)

// JobStore is what the job needs of the database: the documents it reads
// (DocumentStore), the segments of each document and the translation
// memory behind them (plan, translate), the confidences and alignments it
// finds (store), and the leases that share the sentences between runs.
// *store.DB implements it.
type JobStore interface {
	DocumentStore
	// Path names the database in the report.
	Path() string

	// TrackSegments returns the segments of a document's sentences, not in
	// language skip, creating pending ones for the new sentences.
	TrackSegments(ctx context.Context, docID int64, skip string) ([]store.Segment, error)
	// Segments returns the segments of a document as committed.
	Segments(ctx context.Context, docID int64) ([]store.Segment, error)
	// SaveSegment stores one segment and, when mem is set, its memory entry.
	SaveSegment(ctx context.Context, s *store.Segment, mem *store.Memory) error
	// SaveSegments stores segments and their memory entries at once.
	SaveSegments(ctx context.Context, saves []store.SegmentSave) error
	// FindMemory returns the memory entries of the keys it has.
	FindMemory(ctx context.Context, keys []string) (map[string]store.Memory, error)
	// CountMemoryHits notes that the entries of keys were used.
	CountMemoryHits(ctx context.Context, keys []string) error

	// SetConfidences stores the aligner's confidence of sentences.
	SetConfidences(ctx context.Context, conf []store.SentenceConfidence) error
	// SetTranslationOf records that doc is the translation of orig.
	SetTranslationOf(ctx context.Context, doc, orig int64) error

	// Pairs returns a document's stored pairs in order.
	Pairs(ctx context.Context, doc int64) ([]bitext.Pair, error)
	// SyncPairs stores the pairs a run made, keeping those people worked
	// on (see store.DB.SyncPairs).
	SyncPairs(ctx context.Context, sy store.PairSync) ([]bitext.Pair, error)
	// FindHumanMemory returns the approved translations of sentences.
	FindHumanMemory(ctx context.Context, sources []string) (map[string]store.HumanMemory, error)
	// FindTM returns translations imported from other tools' memories;
	// CountTMHits counts those served.
	FindTM(ctx context.Context, sources []string) (map[string]store.TMEntry, error)
	CountTMHits(ctx context.Context, keys []string) error
	// CountHumanMemoryHits notes that approved translations were served.
	CountHumanMemoryHits(ctx context.Context, keys []string) error
	// StartRun, FinishRun and SetDocumentAction record the run and what
	// it did with each document.
	StartRun(ctx context.Context, args []string) (int64, error)
	FinishRun(ctx context.Context, id int64, report []byte) error
	SetDocumentAction(ctx context.Context, doc, run int64, action, why string) error

	// Claim, RenewLeases, ReleaseLeases and Leases manage the leases on
	// memory keys (see lease.go).
	Claim(ctx context.Context, owner string, keys []string, ttl time.Duration, now time.Time, takeOver func(owner string) bool) (mine []string, others []store.Lease, err error)
	RenewLeases(ctx context.Context, owner string, keys []string, ttl time.Duration, now time.Time) (int64, error)
	ReleaseLeases(ctx context.Context, owner string, keys []string) error
	Leases(ctx context.Context, keys []string) (map[string]store.Lease, error)
}

var _ JobStore = (*store.DB)(nil)
