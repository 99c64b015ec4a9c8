package pipeline

import (
	"slices"
	"testing"
	"time"

	"github.com/bitext/bitext/store"
)

// TestSaveQueue checks that the queue hands every segment over once, in
// the order pushed, in groups of at most the limit (or more, up to most,
// when more were waiting), and reports the end only when it is closed and
// empty.
func TestSaveQueue(t *testing.T) {
	q := newSaveQueue(0)
	const n, limit, most = 1000, 64, 256
	go func() {
		for i := range n {
			q.push(store.SegmentSave{Segment: store.Segment{Idx: i}})
		}
		q.close()
	}()
	next := 0
	for {
		group, ok := q.next(time.Millisecond, limit, most)
		if !ok {
			break
		}
		if len(group) == 0 || len(group) > most {
			t.Fatalf("group of %d segments (limit %d, most %d)", len(group), limit, most)
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
	if _, ok := q.next(time.Millisecond, limit, most); ok {
		t.Error("a closed, empty queue handed over a group")
	}
}

// TestSaveQueueCatchesUp checks the group sizes: what waits up to the
// limit goes in one group, and a backlog beyond it in groups of most.
func TestSaveQueueCatchesUp(t *testing.T) {
	q := newSaveQueue(0)
	for i := range 10 {
		q.push(store.SegmentSave{Segment: store.Segment{Idx: i}})
	}
	if g, _ := q.next(time.Millisecond, 64, 256); len(g) != 10 {
		t.Errorf("%d of 10 waiting segments in the group", len(g))
	}
	for i := range 600 {
		q.push(store.SegmentSave{Segment: store.Segment{Idx: i}})
	}
	q.close()
	var sizes []int
	for {
		g, ok := q.next(time.Millisecond, 64, 256)
		if !ok {
			break
		}
		sizes = append(sizes, len(g))
	}
	if !slices.Equal(sizes, []int{256, 256, 88}) {
		t.Errorf("a backlog of 600 went in groups of %v, want 256, 256, 88", sizes)
	}
}

// TestSaveQueueBound checks that a bounded queue holds no more than its
// bound, and that a pusher waiting for room gets it once segments are
// taken, in order.
func TestSaveQueueBound(t *testing.T) {
	q := newSaveQueue(100)
	const n = 1000
	go func() {
		for i := range n {
			q.push(store.SegmentSave{Segment: store.Segment{Idx: i}})
		}
		q.close()
	}()
	next := 0
	for {
		if held, _ := q.state(); held > 100 {
			t.Fatalf("the queue holds %d segments, bound 100", held)
		}
		group, ok := q.next(time.Millisecond, 64, 256)
		if !ok {
			break
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
}
