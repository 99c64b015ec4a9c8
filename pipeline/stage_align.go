package pipeline

// The align stage: a translated document's pairs are checked by the aligner
// (its English of every sentence against the Russian, to catch a reply
// that merged two sentences and shifted the rest), and a Russian document
// is aligned with its human translation.

import (
	"context"
	"encoding/json"
	"slices"

	"github.com/bitext/bitext"
	"github.com/bitext/bitext/align"
	"github.com/bitext/bitext/store"
)

// LowConfidence is the pair confidence below which a pair is counted as
// doubtful in the report.
const LowConfidence = 0.5

// alignment is the aligner's verdict on a translated document's pairs,
// by index into its segments.
type alignment struct {
	conf  []float64
	notes map[int]string
	pos   []int // the segments aligned (the finished ones), in order
}

// alignTranslation aligns the finished segments' Russian with their English
// (the progressive check's beads serve for the prefix it covered) and gives
// each a confidence; a sentence the aligner pairs otherwise gets a low
// one and a note.
func (j *Job) alignTranslation(ctx context.Context, w *docWork) (*alignment, error) {
	segs := w.segs
	al := &alignment{conf: make([]float64, len(segs)), notes: map[int]string{}}
	var ru, tr []string
	for i := range segs {
		if s := &segs[i]; s.Done() && s.Target != "" {
			ru, tr = append(ru, s.Source), append(tr, s.Target)
			al.pos = append(al.pos, i)
		}
	}
	if len(ru) == 0 {
		return al, nil
	}
	var opts align.Options
	if w.chk != nil {
		opts = w.chk.opts // it knows the Russian sentences' entries
	} else {
		opts = j.checkOptions(knownConcepts(segs))
	}
	beads, err := w.chk.finish(ctx, ru, tr, opts)
	if err != nil {
		return nil, err
	}
	for _, sp := range beads {
		for si := int(sp.i); si < int(sp.i)+int(sp.ns); si++ {
			k := al.pos[si]
			al.conf[k] = round3(sp.conf)
			if !sp.oneToOne() {
				al.conf[k] = round3(min(sp.conf, 0.25))
				al.notes[k] = "the aligner pairs this sentence differently (" + beadSides(sp.bead(), segs, al.pos) + "): check for merged or shifted sentences"
			}
		}
	}
	return al, nil
}

// beadSides formats a bead of the check with the sentence numbers of the
// document.
func beadSides(b align.Bead, segs []store.Segment, pos []int) string {
	toIdx := func(ix []int) []int {
		out := make([]int, len(ix))
		for i, x := range ix {
			out[i] = segs[pos[x]].Idx
		}
		return out
	}
	return align.FormatBead(align.Bead{Src: toIdx(b.Src), Tgt: toIdx(b.Tgt)})
}

// translationPairs is a translated document's pairs as the run made
// them: one per sentence, in order — the segment's English with the
// aligner's confidence and note, a sentence of an English paragraph as it
// is (withheld when it holds Cyrillic), a sentence without a segment
// pending.
func translationPairs(doc *bitext.Document, segs []store.Segment, al *alignment) []bitext.Pair {
	bySent := make(map[int]int, len(segs))
	for i := range segs {
		bySent[segs[i].Idx] = i
	}
	out := make([]bitext.Pair, 0, doc.SentenceCount())
	for _, para := range doc.Paragraphs {
		for _, sent := range para.Sentences {
			p := bitext.Pair{Src: []int{sent.Index}, Tgt: []int{sent.Index}, RU: sent.Text, Status: bitext.StatusDraft, Index: len(out)}
			i, ok := bySent[sent.Index]
			switch {
			case ok:
				s := &segs[i]
				p.State, p.Origin, p.EN, p.Reason = s.State, s.Origin, s.Target, s.Reason
				p.Confidence, p.Note = al.conf[i], al.notes[i]
				_ = json.Unmarshal([]byte(s.Violations), &p.Violations)
				var hits []struct {
					ID string `json:"id"`
				}
				_ = json.Unmarshal([]byte(s.Terms), &hits)
				for _, h := range hits {
					if !slices.Contains(p.Terms, h.ID) {
						p.Terms = append(p.Terms, h.ID)
					}
				}
			case para.Lang == bitext.English && hasCyrillic(sent.Text):
				p.State, p.Origin, p.Reason = bitext.StateFailed, bitext.OriginSource, reasonCyrillicEnglish
			case para.Lang == bitext.English:
				p.State, p.Origin, p.EN, p.Confidence = bitext.StateHuman, bitext.OriginSource, oneLine(sent.Text), 1
			default:
				p.State = bitext.StatePending
			}
			out = append(out, p)
		}
	}
	return out
}

// pairTexts is the sentences of a pair's sides, and our translation of
// the Russian ones when there is one (nil otherwise).
type pairTexts struct {
	ru, en, mt []string
}

func newPairTexts(ru, en *bitext.Document, mt []string) pairTexts {
	src, tgt := ru.Sentences(), en.Sentences()
	t := pairTexts{ru: make([]string, len(src)), en: make([]string, len(tgt)), mt: mt}
	for i, s := range src {
		t.ru[i] = s.Text
	}
	for i, s := range tgt {
		t.en[i] = s.Text
	}
	return t
}

// alignSides aligns a Russian document with its human translation (and
// with our translation of the Russian, when there is one).
func (j *Job) alignSides(ctx context.Context, t pairTexts) ([]align.Bead, error) {
	opts := align.Options{}
	if j.Glossary != nil {
		opts.Dictionary = j.Glossary
	}
	return align.Align(ctx, align.Input{Src: t.ru, Tgt: t.en, MT: t.mt}, opts)
}

// humanPairs is the pairs of an aligned human translation, each verified
// against the glossary (verifyPair).
func (j *Job) humanPairs(t pairTexts, beads []align.Bead) []bitext.Pair {
	out := align.Pairs(beads, t.ru, t.en, t.mt)
	for k := range out {
		j.verifyPair(&out[k])
	}
	return out
}

// machineLines is our translation of a pair's Russian for the aligner: one
// line per source sentence, the sentences of the document's English
// paragraphs as they are, "" for one without a translation (missing
// counts those).
func machineLines(doc *bitext.Document, src []bitext.Sentence, segs []store.Segment) (mt []string, missing, have int) {
	byIdx := make(map[int]*store.Segment, len(segs))
	for i := range segs {
		byIdx[segs[i].Idx] = &segs[i]
	}
	english := func(s bitext.Sentence) bool {
		ps := doc.Paragraphs
		return s.Paragraph >= 0 && s.Paragraph < len(ps) && ps[s.Paragraph].Lang == bitext.English
	}
	mt = make([]string, len(src))
	for i, s := range src {
		switch g := byIdx[s.Index]; {
		case g != nil && g.Done():
			mt[i] = g.Target
			have++
		case g == nil && english(s):
			mt[i] = s.Text
		default:
			missing++ // no translation yet, or no segment row at all
		}
	}
	return mt, missing, have
}

func round3(f float64) float64 { return float64(int(f*1000+0.5)) / 1000 }
