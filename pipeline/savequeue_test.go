package pipeline

import (
	"testing"
	"time"

	"github.com/bitext/bitext/store"
)

// TestSaveQueue checks that the queue hands every segment over once, in
// the order pushed, in groups of at most the limit, and reports the end
// only when it is closed and empty.
func TestSaveQueue(t *testing.T) {
	q := newSaveQueue()
	const n, limit = 1000, 64
	go func() {
		for i := range n {
			q.push(store.SegmentSave{Segment: store.Segment{Idx: i}})
		}
		q.close()
	}()
	next := 0
	for {
		group, ok := q.next(time.Millisecond, limit)
		if !ok {
			break
		}
		if len(group) == 0 || len(group) > limit {
			t.Fatalf("group of %d segments (limit %d)", len(group), limit)
		}
		for _, s := range group {
			if s.Segment.Idx != next {
				t.Fatalf("segment %d handed over where %d was due", s.Segment.Idx, next)
			}
			next++
		}
	}
	if next != n {
		t.Fatalf("%d of %d segments handed over", next, n)
	}
	if _, ok := q.next(time.Millisecond, limit); ok {
		t.Error("a closed, empty queue handed over a group")
	}
}
