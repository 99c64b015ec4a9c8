package pipeline

// The plan stage: a document's segments are tracked in the store while the
// glossary is matched against its sentences and the translation memory is
// asked about them; then each segment is sorted: done and current, checked
// again against a changed glossary, served by the memory, or left for the
// model (docWork.todo).

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/bitext/bitext"
	"github.com/bitext/bitext/pipeline/translate"
	"github.com/bitext/bitext/store"
	"golang.org/x/text/unicode/norm"
)

// plan is the plan stage: it leaves in w.segs every segment of the
// document and in w.todo those the model must translate.
func (j *Job) plan(ctx context.Context, w *docWork) error {
	early, err := j.trackAndMatch(ctx, w)
	if err != nil {
		return err
	}
	if err := j.findReviewed(ctx, w); err != nil {
		return err
	}
	if err := j.sortSegments(ctx, w, early); err != nil {
		return err
	}
	if len(w.todo) > 0 {
		if w.todo, err = j.fromMemory(ctx, w, w.todo, false); err != nil {
			return err
		}
	}
	w.ahead, w.looked = nil, nil // later look-ups are fresh ones
	return nil
}

// matched is a sentence of the document with the glossary entries found in
// it.
type matched struct {
	text string
	hits []translate.TermHit
}

// trackAndMatch tracks the document's segments in the store (w.segs) while
// the glossary is matched against its sentences (one waits on SQLite, the
// other on the CPU) and the memory is asked about every sentence (w.ahead;
// the hits are counted later, for the entries used). It returns the
// sentences matched, by index.
func (j *Job) trackAndMatch(ctx context.Context, w *docWork) (map[int]matched, error) {
	type tracked struct {
		segs []store.Segment
		err  error
	}
	tc := make(chan tracked, 1)
	go func() {
		segs, err := j.Store.TrackSegments(ctx, w.file.DocID, string(bitext.English))
		tc <- tracked{segs, err}
	}()
	early := map[int]matched{}
	for _, p := range w.file.Doc.Paragraphs {
		if p.Lang == bitext.English {
			continue
		}
		for _, s := range p.Sentences {
			var h []translate.TermHit
			if j.Glossary != nil {
				h = j.Glossary.Match(s.Text)
			}
			early[s.Index] = matched{s.Text, h}
		}
	}
	if len(early) > 0 {
		ask := make([]string, 0, len(early))
		for idx, m := range early {
			if m.hits != nil {
				w.hits[idx] = m.hits // a missing entry reads as no hits
			}
			k := j.key(&store.Segment{Idx: idx, Source: m.text}, w)
			ask = append(ask, k)
			w.looked[k] = true
		}
		found, err := j.Store.FindMemory(ctx, ask)
		if err != nil {
			<-tc
			return nil, fmt.Errorf("look up the translation memory: %w", err)
		}
		w.ahead = found
	}
	t := <-tc
	if t.err != nil {
		return nil, fmt.Errorf("track the segments: %w", t.err)
	}
	w.segs = t.segs
	return early, nil
}

// sortSegments decides what each segment needs: nothing (done, and its
// glossary entries unchanged), a re-check against the changed glossary
// (translated again only when its English no longer passes), or a
// translation (w.todo).
func (j *Job) sortSegments(ctx context.Context, w *docWork, early map[int]matched) error {
	hits := make(map[int][]translate.TermHit, len(w.segs))
	w.hits = hits
	dr := &w.report
	for i := range w.segs {
		s := &w.segs[i]
		var h []translate.TermHit
		if m, ok := early[s.Idx]; ok && m.text == s.Source {
			h = m.hits
			s.Source = m.text // the document's text, not a copy from the database
		} else {
			// stored by an earlier version that cut sentences otherwise
			delete(w.keys, s.Idx)
			if j.Glossary != nil {
				h = j.Glossary.Match(s.Source)
			}
		}
		if h != nil {
			hits[s.Idx] = h // a missing entry reads as no hits
		}
		if w.reviewed[s.Idx] {
			// People reviewed its pair: never translated again, whatever
			// its segment says (the store stage re-checks the pair).
			if !s.Done() {
				s.State, s.Reason = bitext.StateHuman, ""
			}
			continue
		}
		if !s.Done() {
			w.todo = append(w.todo, s)
			continue
		}
		sig := j.signature(h)
		if s.GlossaryVersion == w.gver && s.TermSig == sig {
			continue
		}
		if s.TermSig != sig && j.Glossary != nil {
			dr.Rechecked++
		}
		again, ids, err := j.recheck(ctx, s, h, sig, w.gver)
		if err != nil {
			return fmt.Errorf("re-check sentence %d against the glossary: %w", s.Idx+1, err)
		}
		if again {
			dr.Retranslate++
			for _, id := range ids {
				if !slices.Contains(dr.RetranslateFor, id) {
					dr.RetranslateFor = append(dr.RetranslateFor, id)
				}
			}
			w.todo = append(w.todo, s)
		}
	}
	return nil
}

// findReviewed notes the sentences of the document's pairs that people
// worked on (w.reviewed): the run leaves them as they are.
func (j *Job) findReviewed(ctx context.Context, w *docWork) error {
	pairs, err := j.Store.Pairs(ctx, w.file.DocID)
	if err != nil {
		return fmt.Errorf("read the reviewed pairs: %w", err)
	}
	for k := range pairs {
		if p := &pairs[k]; p.Human() {
			if w.reviewed == nil {
				w.reviewed = map[int]bool{}
			}
			for _, s := range p.Src {
				w.reviewed[s] = true
			}
			if p.EnDoc == 0 {
				for _, s := range p.Tgt {
					w.reviewed[s] = true
				}
			}
		}
	}
	return nil
}

// memoryHit is a translation a memory of people's work holds for a
// sentence.
type memoryHit struct{ key, target string }

// fromApproved serves the segments whose Russian an approved pair has (in
// any document) with that pair's English, checked against the glossary
// (a human translation is never translated again, only flagged), and
// returns the others.
func (j *Job) fromApproved(ctx context.Context, w *docWork, todo []*store.Segment) ([]*store.Segment, error) {
	return j.fromPeople(ctx, w, todo, bitext.OriginHuman, "an approved pair", func(sources []string) (map[string]memoryHit, error) {
		found, err := j.Store.FindHumanMemory(ctx, sources)
		out := make(map[string]memoryHit, len(found))
		for k, m := range found {
			out[k] = memoryHit{m.Key, m.Target}
		}
		return out, err
	}, j.Store.CountHumanMemoryHits)
}

// fromTM serves the segments whose Russian a translation memory imported
// from another tool has (bitext import FILE.tmx), with origin tm, checked
// against the glossary like a human translation, and returns the others.
func (j *Job) fromTM(ctx context.Context, w *docWork, todo []*store.Segment) ([]*store.Segment, error) {
	return j.fromPeople(ctx, w, todo, bitext.OriginTM, "an imported memory", func(sources []string) (map[string]memoryHit, error) {
		found, err := j.Store.FindTM(ctx, sources)
		out := make(map[string]memoryHit, len(found))
		for k, m := range found {
			out[k] = memoryHit{m.Key, m.Target}
		}
		return out, err
	}, j.Store.CountTMHits)
}

// fromPeople serves segments from a memory of people's translations
// (origin says which), counting the hits.
func (j *Job) fromPeople(ctx context.Context, w *docWork, todo []*store.Segment, origin bitext.Origin, what string,
	find func([]string) (map[string]memoryHit, error), count func(context.Context, []string) error) ([]*store.Segment, error) {
	if len(todo) == 0 {
		return todo, nil
	}
	sources := make([]string, len(todo))
	for i, s := range todo {
		sources[i] = s.Source
	}
	found, err := find(sources)
	if err != nil || len(found) == 0 {
		return todo, err
	}
	var used []string
	left := todo[:0:0]
	for _, s := range todo {
		m, ok := found[store.HumanKey(s.Source)]
		if !ok {
			left = append(left, s)
			continue
		}
		used = append(used, m.key)
		h := w.hits[s.Idx]
		var vs []bitext.Violation
		s.State = bitext.StateTranslated
		if j.Glossary != nil {
			vs = j.Glossary.Verify(s.Source, h, m.target)
			s.State = bitext.StateVerified
			if len(vs) > 0 {
				s.State = bitext.StateNeedsReview
			}
		}
		s.Target, s.Origin, s.Violations, s.Reason = m.target, origin, jsonList(vs), ""
		s.Terms, s.TermSig = termsJSON(h), j.signature(h)
		s.Model, s.PromptVersion, s.GlossaryVersion = "", "", w.gver
		if err := j.Store.SaveSegment(ctx, s, nil); err != nil {
			return nil, fmt.Errorf("store sentence %d from %s: %w", s.Idx+1, what, err)
		}
		w.chk.resolve(s.Idx, s.Done(), s.Source, s.Target)
		w.report.FromMemory++
	}
	if err := count(ctx, used); err != nil {
		return nil, fmt.Errorf("count the translations served from %s: %w", what, err)
	}
	return left, nil
}

// signature identifies the glossary entries of a sentence (see
// Glossary.Signature); "" without a glossary.
func (j *Job) signature(h []translate.TermHit) string {
	if j.Glossary == nil {
		return ""
	}
	return j.Glossary.Signature(h)
}

// recheck verifies a finished segment against a changed glossary. It
// returns true when the segment must be translated again, with the
// entries it no longer satisfies.
func (j *Job) recheck(ctx context.Context, s *store.Segment, h []translate.TermHit, sig, gver string) (bool, []string, error) {
	if s.TermSig == sig || j.Glossary == nil {
		// Its entries did not change: only the version moves on.
		s.GlossaryVersion = gver
		return false, nil, j.Store.SaveSegment(ctx, s, nil)
	}
	vs := j.Glossary.Verify(s.Source, h, s.Target)
	text := s.Target
	if len(vs) > 0 {
		text, vs = j.Glossary.Repair(s.Target, vs)
	}
	if len(vs) > 0 {
		ids := make([]string, 0, len(vs))
		for _, v := range vs {
			ids = append(ids, v.TermID)
		}
		return true, ids, nil
	}
	s.Target, s.State, s.Violations = text, bitext.StateVerified, "[]"
	s.TermSig, s.Terms, s.GlossaryVersion = sig, termsJSON(h), gver
	return false, nil, j.Store.SaveSegment(ctx, s, nil)
}

// tmKey keys the translation memory: normalised source, model, prompt
// version and the glossary entries that apply to the sentence.
func tmKey(source, model, prompt, termSig string) string {
	src := strings.Join(strings.Fields(norm.NFC.String(source)), " ")
	h := sha256.New()
	for _, part := range []string{src, model, prompt, termSig} {
		h.Write([]byte(part))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))
}

// key is the translation memory key of a segment of w.
func (j *Job) key(s *store.Segment, w *docWork) string {
	if k, ok := w.keys[s.Idx]; ok {
		return k
	}
	k := tmKey(s.Source, j.Config.Model, j.Config.PromptVersion, j.signature(w.hits[s.Idx]))
	w.keys[s.Idx] = k
	return k
}

// fromMemory fills the segments the translation memory knows and returns
// the others. The entries looked up ahead serve first unless fresh is set
// (another document may have committed since).
func (j *Job) fromMemory(ctx context.Context, w *docWork, todo []*store.Segment, fresh bool) ([]*store.Segment, error) {
	todo, err := j.fromApproved(ctx, w, todo)
	if err == nil {
		todo, err = j.fromTM(ctx, w, todo)
	}
	if err != nil || len(todo) == 0 {
		return todo, err
	}
	keys := make([]string, len(todo))
	var ask []string
	for i, s := range todo {
		keys[i] = j.key(s, w)
		if fresh || !w.looked[keys[i]] {
			ask = append(ask, keys[i])
		}
	}
	mem := map[string]store.Memory{}
	if !fresh {
		maps.Copy(mem, w.ahead)
	}
	if len(ask) > 0 {
		found, err := j.Store.FindMemory(ctx, ask)
		if err != nil {
			return nil, fmt.Errorf("look up the translation memory: %w", err)
		}
		maps.Copy(mem, found)
	}
	var used []string
	left := todo[:0:0]
	for i, s := range todo {
		m, ok := mem[keys[i]]
		if !ok {
			left = append(left, s)
			continue
		}
		used = append(used, keys[i])
		h := w.hits[s.Idx]
		s.State, s.Target, s.Origin, s.Violations, s.Reason = m.State, m.Target, bitext.OriginMemory, m.Violations, ""
		s.Terms, s.TermSig = termsJSON(h), j.signature(h)
		s.Model, s.PromptVersion, s.GlossaryVersion = m.Model, m.PromptVersion, w.gver
		if err := j.Store.SaveSegment(ctx, s, nil); err != nil {
			return nil, fmt.Errorf("store sentence %d from the memory: %w", s.Idx+1, err)
		}
		w.chk.resolve(s.Idx, s.Done(), s.Source, s.Target)
		w.report.FromMemory++
	}
	if err := j.Store.CountMemoryHits(ctx, used); err != nil {
		return nil, fmt.Errorf("count the memory's hits: %w", err)
	}
	return left, nil
}

// termsJSON is the stored form of a sentence's glossary entries.
func termsJSON(h []translate.TermHit) string { return jsonList(h) }

// jsonList is the stored form of a list: its JSON, "[]" when it is empty.
func jsonList[T any](v []T) string {
	if len(v) == 0 {
		return "[]"
	}
	b, err := json.Marshal(v)
	if err != nil {
		return "[]"
	}
	return string(b)
}
