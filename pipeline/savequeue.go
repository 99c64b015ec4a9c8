package pipeline

import (
	"sync"
	"time"

	"github.com/bitext/bitext/store"
)

// saveQueue hands finished segments from the translator to the goroutine
// that commits them. It holds only what has not been committed yet: a
// document of hundreds of thousands of segments does not reserve room for
// all of them up front. Pushing does not wait for the disk unless the
// commits have fallen a whole bound behind the replies (an endpoint
// faster than the disk): then the replies wait, rather than pile up in
// memory.
type saveQueue struct {
	bound  int // most segments held; 0: no bound
	mu     sync.Mutex
	items  []store.SegmentSave
	closed bool
	wake   chan struct{} // a push or the close happened
	room   chan struct{} // segments were taken
}

// newSaveQueue returns a queue holding at most bound segments (0: no
// bound).
func newSaveQueue(bound int) *saveQueue {
	return &saveQueue{bound: bound, wake: make(chan struct{}, 1), room: make(chan struct{}, 1)}
}

func signal(ch chan struct{}) {
	select {
	case ch <- struct{}{}:
	default:
	}
}

// push adds a segment to commit, waiting while the queue is full.
func (q *saveQueue) push(s store.SegmentSave) {
	for {
		q.mu.Lock()
		if q.bound <= 0 || len(q.items) < q.bound || q.closed {
			q.items = append(q.items, s)
			q.mu.Unlock()
			signal(q.wake)
			return
		}
		q.mu.Unlock()
		<-q.room
	}
}

// close says that nothing more will be pushed.
func (q *saveQueue) close() {
	q.mu.Lock()
	q.closed = true
	q.mu.Unlock()
	signal(q.wake)
}

// state returns how many segments wait and whether the queue is closed.
func (q *saveQueue) state() (int, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.items), q.closed
}

// next waits for a segment, then gathers more for up to gather (or until
// there are limit, or the queue is closed), and returns them in the order
// pushed: at most limit, or up to most when more than limit were already
// waiting (commits fell behind the replies, and larger transactions catch
// up faster). It returns false once the queue is closed and empty.
func (q *saveQueue) next(gather time.Duration, limit, most int) ([]store.SegmentSave, bool) {
	for {
		n, closed := q.state()
		if n > 0 {
			break
		}
		if closed {
			return nil, false
		}
		<-q.wake
	}
	timer := time.NewTimer(gather)
	defer timer.Stop()
wait:
	for {
		if n, closed := q.state(); n >= limit || closed {
			break
		}
		select {
		case <-q.wake:
		case <-timer.C:
			break wait
		}
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	k := min(len(q.items), limit)
	if len(q.items) > limit {
		k = min(len(q.items), max(limit, most))
	}
	group := make([]store.SegmentSave, k)
	copy(group, q.items)
	left := copy(q.items, q.items[k:])
	clear(q.items[left:]) // let go of what was committed
	q.items = q.items[:left]
	if left == 0 && cap(q.items) > 4*max(limit, most) {
		q.items = nil // a burst is over: give its room back
	}
	signal(q.room)
	return group, true
}
