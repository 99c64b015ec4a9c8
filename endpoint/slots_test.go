package endpoint

import (
	"context"
	"slices"
	"testing"
	"time"
)

// TestSlotsPriority: a freed slot goes to the waiting request of highest
// priority, the earliest among equals; a waiter whose context ends leaves
// the queue without taking a slot.
func TestSlotsPriority(t *testing.T) {
	s := newSlots(1)
	if !s.acquire(context.Background(), 0) {
		t.Fatal("the free slot was not given")
	}
	order := make(chan int, 4)
	wait := func(id, prio int) {
		go func() {
			if s.acquire(context.Background(), prio) {
				order <- id
				s.release()
			}
		}()
		// Let the goroutine queue before the next one arrives.
		for {
			s.mu.Lock()
			n := len(s.waiters)
			s.mu.Unlock()
			if n >= id {
				return
			}
			time.Sleep(time.Millisecond)
		}
	}
	wait(1, 0)
	wait(2, 3)
	wait(3, 0)
	ctx, cancel := context.WithCancel(context.Background())
	gone := make(chan bool)
	go func() { gone <- s.acquire(ctx, 9) }()
	for {
		s.mu.Lock()
		n := len(s.waiters)
		s.mu.Unlock()
		if n == 4 {
			break
		}
		time.Sleep(time.Millisecond)
	}
	cancel()
	if <-gone {
		t.Fatal("a cancelled waiter got a slot")
	}
	s.release()
	var got []int
	for range 3 {
		got = append(got, <-order)
	}
	if want := []int{2, 1, 3}; !slices.Equal(got, want) {
		t.Errorf("served in order %v, want %v", got, want)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.free != 1 || len(s.waiters) != 0 {
		t.Errorf("after all released: %d free, %d waiting; want 1 and 0", s.free, len(s.waiters))
	}
}
