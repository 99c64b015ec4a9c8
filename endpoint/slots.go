package endpoint

import (
	"container/heap"
	"context"
	"sync"
)

// slots bounds the requests in flight. A freed slot goes to the waiting
// request of highest priority, the earliest among equals, so that a request
// others will wait for (a glossary follow-up, the first request of a batch
// likely to need one) is not queued behind requests nothing depends on.
type slots struct {
	mu      sync.Mutex
	free    int
	seq     uint64
	waiters waitHeap
}

func newSlots(n int) *slots { return &slots{free: n} }

// waiter is a request waiting for a slot; ready is closed when it is given
// one.
type waiter struct {
	prio    int
	seq     uint64
	ready   chan struct{}
	granted bool
	index   int // in the heap, -1 once out of it
}

type waitHeap []*waiter

func (h waitHeap) Len() int { return len(h) }
func (h waitHeap) Less(i, j int) bool {
	if h[i].prio != h[j].prio {
		return h[i].prio > h[j].prio
	}
	return h[i].seq < h[j].seq
}
func (h waitHeap) Swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].index, h[j].index = i, j
}
func (h *waitHeap) Push(x any) {
	w := x.(*waiter)
	w.index = len(*h)
	*h = append(*h, w)
}
func (h *waitHeap) Pop() any {
	old := *h
	w := old[len(old)-1]
	old[len(old)-1] = nil
	*h = old[:len(old)-1]
	w.index = -1
	return w
}

// acquire waits for a slot; it returns false, holding none, when ctx ends
// first.
func (s *slots) acquire(ctx context.Context, prio int) bool {
	s.mu.Lock()
	if s.free > 0 && len(s.waiters) == 0 {
		s.free--
		s.mu.Unlock()
		return true
	}
	s.seq++
	w := &waiter{prio: prio, seq: s.seq, ready: make(chan struct{})}
	heap.Push(&s.waiters, w)
	s.mu.Unlock()
	select {
	case <-w.ready:
		return true
	case <-ctx.Done():
	}
	s.mu.Lock()
	if w.granted {
		// Given a slot as the context ended: pass it on.
		s.mu.Unlock()
		s.release()
		return false
	}
	heap.Remove(&s.waiters, w.index)
	s.mu.Unlock()
	return false
}

// release frees a slot, handing it to the first waiter if there is one.
func (s *slots) release() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.waiters) == 0 {
		s.free++
		return
	}
	w := heap.Pop(&s.waiters).(*waiter)
	w.granted = true
	close(w.ready)
}
