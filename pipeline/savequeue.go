package pipeline

import (
	"sync"
	"time"

	"github.com/bitext/bitext/store"
)

// saveQueue hands finished segments from the translator to the goroutine
// that commits them. Pushing never blocks (the translator must not wait
// for the disk), and the queue holds only what has not been committed yet:
// a document of hundreds of thousands of segments does not reserve room
// for all of them up front.
type saveQueue struct {
	mu     sync.Mutex
	items  []store.SegmentSave
	closed bool
	wake   chan struct{} // a push or the close happened
}

func newSaveQueue() *saveQueue {
	return &saveQueue{wake: make(chan struct{}, 1)}
}

func (q *saveQueue) signal() {
	select {
	case q.wake <- struct{}{}:
	default:
	}
}

// push adds a segment to commit.
func (q *saveQueue) push(s store.SegmentSave) {
	q.mu.Lock()
	q.items = append(q.items, s)
	q.mu.Unlock()
	q.signal()
}

// close says that nothing more will be pushed.
func (q *saveQueue) close() {
	q.mu.Lock()
	q.closed = true
	q.mu.Unlock()
	q.signal()
}

// state returns how many segments wait and whether the queue is closed.
func (q *saveQueue) state() (int, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.items), q.closed
}

// next waits for a segment, then gathers more for up to gather (or until
// there are limit, or the queue is closed), and returns at most limit of
// them in the order pushed. It returns false once the queue is closed and
// empty.
func (q *saveQueue) next(gather time.Duration, limit int) ([]store.SegmentSave, bool) {
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
	group := make([]store.SegmentSave, k)
	copy(group, q.items)
	left := copy(q.items, q.items[k:])
	clear(q.items[left:]) // let go of what was committed
	q.items = q.items[:left]
	if left == 0 && cap(q.items) > 4*limit {
		q.items = nil // a burst is over: give its room back
	}
	return group, true
}
