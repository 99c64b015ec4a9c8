package pipeline

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/bitext/bitext/store"
)

// Several runs may share one database (a cron job and a person, or later
// several workers): each sentence is translated by one of them. A run
// claims the sentences it is about to translate (by translation memory
// key) with a lease in the database, renews its leases while it works and
// releases them once the translations are committed. A run that finds a
// sentence claimed by another waits for it and is served by the memory;
// a crashed run's leases expire (or, on the same machine, are taken over
// at once when its process is gone).

// DefaultLeaseTTL is how long a lease lasts without renewal.
const DefaultLeaseTTL = 60 * time.Second

// leasePoll is how often a run waiting for another's sentences first looks
// for them in the memory; it waits longer, up to maxLeasePoll, while
// nothing changes.
const (
	leasePoll    = 100 * time.Millisecond
	maxLeasePoll = 1600 * time.Millisecond
)

// NewOwner returns a name for a run's leases: where it runs (host name
// and process-id namespace), its process id and a random part, so that two
// runs never share one and a run in the same place can tell whether the
// owner's process still lives.
func NewOwner() string {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return fmt.Sprintf("%s/%d/%s", place(), os.Getpid(), hex.EncodeToString(b))
}

// place names where process ids mean the same: the host name and, where
// it can be read, the process-id namespace (containers sharing a host name
// have their own process ids). It ends in "~" when the namespace is
// unknown.
func place() string {
	host, _ := os.Hostname()
	ns, _ := os.Readlink("/proc/self/ns/pid") // "pid:[4026531836]"
	ns = strings.TrimSuffix(strings.TrimPrefix(ns, "pid:["), "]")
	return strings.NewReplacer("/", "_", "~", "_").Replace(host) + "~" + strings.ReplaceAll(ns, "/", "_")
}

// ownerGone reports whether owner names a process in this host's process-id
// namespace that no longer exists: its leases need not wait for their
// expiry. When the namespace is unknown it never says so.
func ownerGone(owner string) bool {
	parts := strings.Split(owner, "/")
	if len(parts) != 3 {
		return false
	}
	here := place()
	if parts[0] != here || strings.HasSuffix(here, "~") {
		return false
	}
	pid, err := strconv.Atoi(parts[1])
	if err != nil || pid <= 0 || pid == os.Getpid() {
		return false
	}
	return !processAlive(pid)
}

func (j *Job) leaseTTL() time.Duration {
	if j.Config.LeaseTTL > 0 {
		return j.Config.LeaseTTL
	}
	return DefaultLeaseTTL
}

func (j *Job) owner() string {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.Config.Owner == "" {
		j.Config.Owner = NewOwner()
	}
	return j.Config.Owner
}

// keepLeases renews the run's leases every third of their life until ctx
// ends, then releases those left.
func (j *Job) keepLeases(ctx context.Context) (stop func()) {
	owner, ttl := j.owner(), j.leaseTTL()
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(ttl / 3)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				if _, err := j.Store.RenewLeases(ctx, owner, j.heldKeys(), ttl, time.Now()); err != nil && ctx.Err() == nil {
					j.log().Warn("cannot renew the run's leases; another run may translate the same sentences", "error", err)
				}
			}
		}
	}()
	return func() {
		cancel()
		<-done
		if err := j.Store.ReleaseLeases(context.WithoutCancel(ctx), owner, nil); err != nil {
			j.log().Warn("cannot release the run's leases; they expire on their own", "error", err)
		}
	}
}

// claim takes the leases of the segments' memory keys. It returns the
// segments this run now holds and those another run is translating.
func (j *Job) claim(ctx context.Context, segs []*store.Segment, w *docWork) (mine, theirs []*store.Segment, keys []string, err error) {
	if len(segs) == 0 {
		return nil, nil, nil, nil
	}
	// A key another document of this run holds is theirs too: the
	// database's lease is the run's, and would be granted again. The keys
	// asked for are reserved here first, so that two documents asking at
	// once do not both get one.
	var ask []string
	askIdx := make([]int, 0, len(segs))
	j.mu.Lock()
	if j.held == nil {
		j.held = map[string]bool{}
	}
	for i, s := range segs {
		k := j.key(s, w)
		if j.held[k] {
			continue
		}
		j.held[k] = true
		ask = append(ask, k)
		askIdx = append(askIdx, i)
	}
	j.mu.Unlock()
	var held []string
	if len(ask) > 0 {
		if held, _, err = j.Store.Claim(ctx, j.owner(), ask, j.leaseTTL(), time.Now(), ownerGone); err != nil {
			j.mu.Lock()
			for _, k := range ask {
				delete(j.held, k)
			}
			j.mu.Unlock()
			return nil, nil, nil, err
		}
	}
	ok := make(map[string]bool, len(held))
	for _, k := range held {
		ok[k] = true
	}
	j.mu.Lock()
	for _, k := range ask {
		if !ok[k] {
			delete(j.held, k) // another run has it
		}
	}
	j.mu.Unlock()
	isMine := make([]bool, len(segs))
	for n, i := range askIdx {
		isMine[i] = ok[ask[n]]
	}
	for i, s := range segs {
		if isMine[i] {
			mine = append(mine, s)
			keys = append(keys, j.key(s, w))
		} else {
			theirs = append(theirs, s)
		}
	}
	return mine, theirs, keys, nil
}

// release gives up the leases on keys once their translations are
// committed (cm.wait).
func (j *Job) release(ctx context.Context, keys []string) {
	if len(keys) == 0 {
		return
	}
	j.mu.Lock()
	for _, k := range keys {
		delete(j.held, k) // no longer renewed, even if the release fails
	}
	j.mu.Unlock()
	if err := j.Store.ReleaseLeases(context.WithoutCancel(ctx), j.owner(), keys); err != nil {
		j.log().Warn("cannot release leases; they expire on their own", "error", err)
	}
}

// heldKeys returns the keys the run holds leases on.
func (j *Job) heldKeys() []string {
	j.mu.Lock()
	defer j.mu.Unlock()
	keys := make([]string, 0, len(j.held))
	for k := range j.held {
		keys = append(keys, k)
	}
	return keys
}

func (j *Job) log() *slog.Logger {
	if j.Log != nil {
		return j.Log
	}
	return slog.New(slog.DiscardHandler)
}

// claimable reports whether the lease of any of the segments has lapsed
// (expired, released, or its owner's process is gone), so that claiming is
// worth a write transaction.
func (j *Job) claimable(ctx context.Context, segs []*store.Segment, w *docWork) (bool, error) {
	keys := make([]string, len(segs))
	for i, s := range segs {
		keys[i] = j.key(s, w)
	}
	held, err := j.Store.Leases(ctx, keys)
	if err != nil {
		return false, err
	}
	now := time.Now()
	for _, k := range keys {
		l, ok := held[k]
		if !ok || l.Expires.Before(now) || ownerGone(l.Owner) {
			return true, nil
		}
	}
	return false, nil
}
