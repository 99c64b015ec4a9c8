package qa

import (
	"fmt"
	"hash/fnv"
	"math"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/bitext/bitext"
)

// Pair is one pair of a document as Doc checks it.
type Pair struct{ RU, EN string }

// Doc checks a document's pairs together: Check on each, and within the
// document the length of each pair against the document's own ratio,
// the consistency of repeated sentences, and the spelling of Russian
// names. It returns one slice per pair, in order (nil when a pair has no
// finding).
func Doc(pairs []Pair) [][]bitext.Finding {
	out := make([][]bitext.Finding, len(pairs))
	for k, p := range pairs {
		out[k] = Check(p.RU, p.EN)
	}
	lengthFindings(pairs, out)
	c := NewConsistency()
	for k, p := range pairs {
		out[k] = append(out[k], c.Add("", k, p.RU, p.EN)...)
	}
	nameSpelling(pairs, out)
	for k := range out {
		out[k] = dedupe(out[k])
		if len(out[k]) == 0 {
			out[k] = nil
		}
	}
	return out
}

// Length calibration. DefaultRatio is the English/Russian length ratio in
// characters measured on the professional references of WMT21/22 ru→en
// news (see TestWMTFalseAlarms); it stands for a document with fewer than
// MinCalibration pairs long enough to judge.
const (
	DefaultRatio   = 1.04
	MinCalibration = 8
	// a pair whose Russian is shorter than minLengthRunes is not judged
	minLengthRunes = 30
	// smoothing added to both lengths before the ratio
	lengthSmooth = 10
	// bounds in log space: at least this far from the median…
	minLogBound = 0.4
	// …or this many robust standard deviations (1.4826 × MAD)
	sigmaBound = 3.0
	// without calibration
	defaultLogBound = 0.5
)

// lengthFindings warns on pairs whose ratio is far from the document's.
func lengthFindings(pairs []Pair, out [][]bitext.Finding) {
	type obs struct {
		k      int
		x      float64
		ru, en int
	}
	var xs []obs
	for k, p := range pairs {
		ru := utf8.RuneCountInString(strings.TrimSpace(p.RU))
		en := utf8.RuneCountInString(strings.TrimSpace(p.EN))
		if ru < minLengthRunes || en == 0 || normSpace(p.RU) == normSpace(p.EN) {
			continue
		}
		xs = append(xs, obs{k, math.Log(float64(en+lengthSmooth) / float64(ru+lengthSmooth)), ru, en})
	}
	if len(xs) == 0 {
		return
	}
	med, bound := math.Log(DefaultRatio), defaultLogBound
	calibrated := len(xs) >= MinCalibration
	if calibrated {
		v := make([]float64, len(xs))
		for k := range xs {
			v[k] = xs[k].x
		}
		med = median(v)
		for k := range v {
			v[k] = math.Abs(v[k] - med)
		}
		bound = max(minLogBound, sigmaBound*1.4826*median(v))
	}
	for _, o := range xs {
		b := bound
		if o.ru < 2*minLengthRunes {
			b *= 1.5 // short pairs vary more
		}
		d := o.x - med
		if math.Abs(d) <= b {
			continue
		}
		ratio := float64(o.en) / float64(o.ru)
		usual := "the usual"
		if calibrated {
			usual = "this document's usual"
		}
		msg := fmt.Sprintf("the English is %.2f times the Russian's length against %s %.2f: ", ratio, usual, math.Exp(med))
		key := "length:long"
		if d < 0 {
			msg += "something may be left out"
			key = "length:short"
		} else {
			msg += "something may be added or repeated"
		}
		out[o.k] = append(out[o.k], bitext.Finding{Kind: bitext.FindingLength, Severity: bitext.SeverityWarning, Message: msg, Key: key})
	}
}

func median(v []float64) float64 {
	s := slices.Clone(v)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

// --- consistency ---

// Consistency collects the pairs of one or more documents and reports
// translations that disagree: the same Russian sentence (up to case,
// spacing, quotes, dashes and ё) translated differently, and the same
// English given for different Russian sentences. Feed it pairs document
// after document; it is not safe for concurrent use.
type Consistency struct {
	ru map[string]occurrence // normalised Russian → its first pair
	en map[string]occurrence // normalised English → its first pair
}

type occurrence struct {
	doc    string
	index  int
	ru, en string // as written
	ruKey  string
	enKey  string
}

// NewConsistency returns an empty collection.
func NewConsistency() *Consistency {
	return &Consistency{ru: map[string]occurrence{}, en: map[string]occurrence{}}
}

// minimum normalised lengths (bytes) for the two checks: short headings
// and replies («Спасибо.») legitimately vary, and short English such as
// "Moscow" renders many Russian strings.
const (
	minConsistRU = 12
	minConsistEN = 30
)

// Add records a pair of document doc at index and returns the findings
// for it against the pairs added before: warnings naming the earlier
// pair.
func (c *Consistency) Add(doc string, index int, ru, en string) []bitext.Finding {
	rk, ek := normText(ru), normText(en)
	if rk == "" || ek == "" {
		return nil
	}
	var out []bitext.Finding
	cur := occurrence{doc: doc, index: index, ru: ru, en: en, ruKey: rk, enKey: ek}
	if len(rk) >= minConsistRU {
		if first, ok := c.ru[rk]; ok {
			if first.enKey != ek {
				out = append(out, bitext.Finding{Kind: bitext.FindingConsistency, Severity: bitext.SeverityWarning, RU: clip(ru), EN: clip(en),
					Message: fmt.Sprintf("the same Russian is translated differently in %s: %q", first.where(doc), clip(first.en)),
					Key:     "consistency:ru:" + hash(rk)})
			}
		} else {
			c.ru[rk] = cur
		}
	}
	if len(ek) >= minConsistEN {
		if first, ok := c.en[ek]; ok {
			if first.ruKey != rk {
				out = append(out, bitext.Finding{Kind: bitext.FindingConsistency, Severity: bitext.SeverityWarning, RU: clip(ru), EN: clip(en),
					Message: fmt.Sprintf("the same English translates a different Russian in %s: «%s»", first.where(doc), clip(first.ru)),
					Key:     "consistency:en:" + hash(ek)})
			}
		} else {
			c.en[ek] = cur
		}
	}
	return out
}

func (o occurrence) where(doc string) string {
	if o.doc == doc {
		return fmt.Sprintf("pair %d", o.index)
	}
	return fmt.Sprintf("pair %d of %s", o.index, o.doc)
}

func hash(s string) string {
	h := fnv.New64a()
	h.Write([]byte(s))
	return fmt.Sprintf("%016x", h.Sum64())
}

// normText lower-cases, collapses spaces and unifies quotes, dashes and ё.
func normText(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range strings.ToLower(s) {
		switch r {
		case '«', '»', '“', '”', '„', '‟', '″':
			r = '"'
		case '‘', '’', '‚':
			r = '\''
		case '–', '—', '‒', '―', '‐', '‑', '−':
			r = '-'
		case 'ё':
			r = 'е'
		case '\u00a0', '\u2009', '\u202f', '\u2007', '\t', '\n', '\r':
			r = ' '
		}
		if r == ' ' {
			space = b.Len() > 0
			continue
		}
		if r == '.' || r == '!' || r == '?' || r == '…' || r == ';' {
			// final punctuation is dropped below; keep inner marks
			if space {
				b.WriteByte(' ')
				space = false
			}
			b.WriteRune(r)
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
	}
	return strings.TrimRight(b.String(), ".!?…; ")
}

// --- name spelling within a document ---

// derived tells whether one spelling is the other with an English
// adjective or demonym ending (Brazil, Brazilian; China, Chinese;
// Russia, Russian): the same name, not another spelling.
func derived(a, b string) bool {
	if len(a) > len(b) {
		a, b = b, a
	}
	for _, base := range []string{a, strings.TrimRight(a, "aey")} {
		if len(base) < 3 || !strings.HasPrefix(b, base) {
			continue
		}
		switch b[len(base):] {
		case "n", "an", "ian", "ean", "ese", "ish", "ic", "i":
			return true
		}
	}
	return false
}

// nameSpelling warns when a Russian name is rendered in Latin letters
// differently from an earlier pair of the document.
func nameSpelling(pairs []Pair, out [][]bitext.Finding) {
	type first struct {
		use   nameUse
		index int
	}
	seen := map[string]first{}
	for k, p := range pairs {
		if p.RU == "" || p.EN == "" {
			continue
		}
		for _, u := range nameUses(p.RU, p.EN) {
			f, ok := seen[u.key]
			if !ok {
				seen[u.key] = first{u, k}
				continue
			}
			if f.use.canon == u.canon || derived(f.use.canon, u.canon) {
				continue
			}
			out[k] = append(out[k], bitext.Finding{Kind: bitext.FindingName, Severity: bitext.SeverityWarning, RU: u.ru, EN: u.en,
				Message: fmt.Sprintf("«%s» is spelled %q here but %q in pair %d", u.ru, u.en, f.use.en, f.index),
				Key:     "name:" + u.key + ":" + strings.ToLower(u.en)})
		}
	}
}
