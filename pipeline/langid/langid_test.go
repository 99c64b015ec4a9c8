package langid

import (
	"strings"
	"sync"
	"testing"

	"github.com/bitext/bitext"
)

var (
	detOnce sync.Once
	det     *Detector
	detErr  error
)

// detector builds the default detector once for the test binary (it
// preloads ~95 MB of models).
func detector(t testing.TB) *Detector {
	detOnce.Do(func() { det, detErr = New(nil) })
	if detErr != nil {
		t.Fatal(detErr)
	}
	return det
}

var detectCases = []struct {
	name string
	text string
	want bitext.Lang
}{
	{"russian sentence", "Состоялись межведомственные консультации по вопросам международной информационной безопасности.", bitext.Russian},
	{"english sentence", "The consultations on international information security were held in Geneva.", bitext.English},
	{"russian with latin names", "Делегацию возглавил посол N.Jaarsma, представитель Kingdom of the Netherlands в рабочей группе ООН.", bitext.Russian},
	{"english with cyrillic quote", "The term «МИБ» is rendered in English as international information security, always.", bitext.English},
	{"russian with a short latin code", "Проект резолюции A/RES/75/240 о достижениях в сфере информатизации и телекоммуникаций принят Генеральной Ассамблеей.", bitext.Russian},
	{"english with a short cyrillic word", "The word «безопасность» is rendered as security in the final text of the resolution adopted by the Assembly.", bitext.English},
	{"abbreviation only", "ООН", bitext.Unknown},
	{"date only", "23.12.2024", bitext.Unknown},
	{"empty", "", bitext.Unknown},
	{"digits and punctuation", "(212) 861-4900, 517-7427", bitext.Unknown},
}

func TestDetect(t *testing.T) {
	d := detector(t)
	for _, c := range detectCases {
		t.Run(c.name, func(t *testing.T) {
			got, conf := d.Detect(c.text)
			if got != c.want {
				t.Fatalf("Detect(%q) = %s (%.2f), want %s", c.text, got, conf, c.want)
			}
			if got != bitext.Unknown && (conf <= 0.5 || conf > 1) {
				t.Errorf("confidence %.3f out of (0.5, 1]", conf)
			}
		})
	}
}

// spans splits text at blank lines (the tests do not depend on the
// segmenter).
func spans(text string) []bitext.Span {
	var out []bitext.Span
	off := 0
	for _, block := range strings.Split(text, "\n\n") {
		if strings.TrimSpace(block) != "" {
			out = append(out, bitext.Span{Start: off, End: off + len(block)})
		}
		off += len(block) + 2
	}
	return out
}

var documentCases = []struct {
	name      string
	text      string
	want      bitext.Lang
	paras     []bitext.Lang
	inherited []bool
}{
	{
		name:      "russian release with a date line",
		text:      "23.12.2024\n\nВ Москве состоялись консультации по вопросам международной информационной безопасности.\n\nСтороны обсудили сотрудничество в рамках ООН.",
		want:      bitext.Russian,
		paras:     []bitext.Lang{bitext.Russian, bitext.Russian, bitext.Russian},
		inherited: []bool{true, false, false},
	},
	{
		name: "russian letterhead over an english statement",
		text: "Постоянное представительство Российской Федерации при Организации Объединенных Наций\n\n" +
			"Permanent Mission of the Russian Federation to the United Nations\n\n" +
			"New York, 1 June\n\n" +
			"Distinguished colleagues, the global discussion on international information security has reached an important point.",
		want:      bitext.Mixed,
		paras:     []bitext.Lang{bitext.Russian, bitext.English, bitext.English, bitext.English},
		inherited: []bool{false, false, true, false},
	},
	{
		name:      "english statement with a short russian word",
		text:      "The delegation of the Russian Federation took part in the session.\n\nРусский\n\nThe next meeting will be held in March.",
		want:      bitext.English,
		paras:     []bitext.Lang{bitext.English, bitext.English, bitext.English},
		inherited: []bool{false, true, false},
	},
	{
		name:      "only short lines",
		text:      "ООН\n\nМИД",
		want:      bitext.Russian,
		paras:     []bitext.Lang{bitext.Russian, bitext.Russian},
		inherited: []bool{true, true},
	},
	{
		name:  "nothing to judge",
		text:  "2024\n\n---",
		want:  bitext.Unknown,
		paras: []bitext.Lang{bitext.Unknown, bitext.Unknown},
	},
}

func TestDetectDocument(t *testing.T) {
	d := detector(t)
	for _, c := range documentCases {
		t.Run(c.name, func(t *testing.T) {
			res := d.DetectDocument(c.text, spans(c.text))
			if res.Lang != c.want {
				t.Errorf("document language = %s, want %s", res.Lang, c.want)
			}
			if len(res.Paragraphs) != len(c.paras) {
				t.Fatalf("%d paragraph results, want %d", len(res.Paragraphs), len(c.paras))
			}
			for i, p := range res.Paragraphs {
				if p.Lang != c.paras[i] {
					t.Errorf("paragraph %d = %s, want %s", i, p.Lang, c.paras[i])
				}
				if c.inherited != nil && p.Inherited != c.inherited[i] {
					t.Errorf("paragraph %d inherited = %v, want %v", i, p.Inherited, c.inherited[i])
				}
			}
			if res.Lang != bitext.Unknown && (res.Confidence <= 0 || res.Confidence > 1) {
				t.Errorf("confidence %.3f out of (0, 1]", res.Confidence)
			}
		})
	}
}

func TestNewRejectsUnknownLanguage(t *testing.T) {
	if _, err := New([]string{"ru", "xx"}); err == nil {
		t.Fatal("New with an unknown code succeeded")
	}
}

func TestSingleLanguage(t *testing.T) {
	d, err := New([]string{"en"})
	if err != nil {
		t.Fatal(err)
	}
	if l, _ := d.Detect("Привет, это явно не английский текст, но выбора нет."); l != bitext.English {
		t.Errorf("single-language detector answered %s", l)
	}
}

// BenchmarkDetectParagraph times one paragraph: a single-script one (decided
// by its alphabet) and a mixed-script one (decided by lingua's models).
func BenchmarkDetectParagraph(b *testing.B) {
	d := detector(b)
	for _, c := range []struct{ name, text string }{
		{"cyrillic", "Стороны констатировали необходимость предотвращения конфликтов в информационном пространстве и подчеркнули центральную роль ООН."},
		{"latin", "The parties stated the need to prevent conflicts in the ICT environment and stressed the central role of the United Nations."},
		{"mixed-script", "Делегацию возглавил посол N.Jaarsma, представитель Kingdom of the Netherlands, в рамках консультаций по вопросам МИБ."},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				d.Detect(c.text)
			}
		})
	}
}

// TestMixedScripts: a paragraph that truly mixes the scripts is judged by
// lingua (its models load on first use, if its rules do not decide),
// from several goroutines at once (run with -race).
func TestMixedScripts(t *testing.T) {
	tests := []struct {
		text string
		want bitext.Lang
	}{
		{"Министр заявил, что переговоры в Женеве прошли успешно и продолжатся на следующей неделе: the talks went well.", bitext.Russian},
		{"The minister said the talks were a success and will go on next week; министр доволен итогами.", bitext.English},
	}
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			d, err := New(nil)
			if err != nil {
				t.Error(err)
				return
			}
			for _, tc := range tests {
				_, cyr, lat := letterStats(tc.text)
				if cyr == 0 || lat == 0 {
					t.Errorf("%q: not mixed", tc.text)
				}
				got, conf := d.Detect(tc.text)
				if got != tc.want || conf <= 0 || conf > 1 {
					t.Errorf("Detect(%q) = %s %.2f, want %s", tc.text, got, conf, tc.want)
				}
			}
		})
	}
	wg.Wait()
}
