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
	// What must not vote: URLs, e-mails, code, quoted Latin spans.
	{"russian with a long url", "Подробности на сайте https://www.mid.ru/ru/foreign_policy/news/1234567/?lang=ru&x=international-information-security-statement-full-text", bitext.Russian},
	{"russian with a domain name", "Полный текст заявления опубликован на официальном сайте mid.ru и на портале un.org/disarmament/ict-security.", bitext.Russian},
	{"russian with a quoted english title", "Резолюция «Developing a Global Framework for Responsible State Behaviour in Cyberspace and International Information Security Issues» принята.", bitext.Russian},
	{"russian with straight-quoted english", `Документ "Report of the Open-ended Working Group on Security of and in the Use of Information and Communications Technologies" одобрен.`, bitext.Russian},
	{"russian with e-mails", "Вопросы направляйте по адресам press-service-international-information-security@mid.ru и info.department.security@mid.ru, ответим.", bitext.Russian},
	{"russian with english in brackets", "Рабочая группа открытого состава (Open-Ended Working Group on Information and Communications Technologies) продолжит работу.", bitext.Russian},
	{"russian words among english ones", "Делегации обсудили the implementation of the rules, norms and principles of responsible behaviour of States in the ICT environment.", bitext.Russian},
	{"english with a url", "Read the statement at https://www.mid.ru/ru/foreign_policy/news/ and the annex that follows it.", bitext.English},
	{"russian with an inch mark before a quotation", `Model 15" laptop — лёгкий и мощный ноутбук для работы — with the "Pro" keyboard layout`, bitext.Russian},
	{"english with a lone cyrillic letter", "This is а test of the keyboard layout of the new laptop for the delegation.", bitext.English},
	{"english with a homoglyph", "Тhe delegations discussed the implementation of the rules, norms and principles of responsible behaviour.", bitext.English},
	{"json with a russian value", `{"document": "statement", "status": "adopted", "language": "russian", "year": 2024, "подпись": "МИД"}`, bitext.Unknown},
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
		name: "russian release with a url, an e-mail, a quoted title and json",
		text: "Заявление МИД России\n\n" +
			"Подробности на сайте https://www.mid.ru/ru/foreign_policy/news/1234567/?lang=ru&x=international-information-security\n\n" +
			"Резолюция «Developing a Global Framework for Responsible State Behaviour in Cyberspace» принята.\n\n" +
			"Пишите: press-service-international-information-security@mid.ru\n\n" +
			`{"document": "statement", "status": "adopted", "language": "russian", "year": 2024}` + "\n\n" +
			"Стороны обсудили вопросы международной информационной безопасности.",
		want:  bitext.Russian,
		paras: []bitext.Lang{bitext.Russian, bitext.Russian, bitext.Russian, bitext.Russian, bitext.Russian, bitext.Russian},
	},
	{
		// The English paragraph quoting «МИБ» would be passed through into
		// the translation with its Cyrillic: in a document with Russian in
		// it, it is translated instead.
		name: "russian release with an english paragraph quoting russian",
		text: "Стороны обсудили вопросы международной информационной безопасности и договорились продолжить консультации.\n\n" +
			"The Russian term «МИБ» is rendered as international information security throughout this statement.\n\n" +
			"Next consultations will be held in Geneva in the spring of next year, the parties agreed.",
		want:      bitext.Mixed,
		paras:     []bitext.Lang{bitext.Russian, bitext.Russian, bitext.English},
		inherited: []bool{false, false, false},
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

// TestMixedScripts: a paragraph with Russian words in it is Russian, even
// when most of its letters are Latin (passing it through as English would
// copy the Russian into the translation); where the alphabet cannot decide
// (languages sharing a script), lingua judges, its models loading on first
// use, from several goroutines at once (run with -race).
func TestMixedScripts(t *testing.T) {
	tests := []struct {
		langs []string
		text  string
		want  bitext.Lang
	}{
		{nil, "Министр заявил, что переговоры в Женеве прошли успешно и продолжатся на следующей неделе: the talks went well.", bitext.Russian},
		{nil, "The minister said the talks were a success and will go on next week; министр доволен итогами.", bitext.Russian},
		{[]string{"ru", "uk"}, "Міністр заявив, що переговори в Женеві пройшли успішно: the talks went well.", "uk"},
	}
	dets := make([]*Detector, len(tests))
	for i, tc := range tests {
		d, err := New(tc.langs)
		if err != nil {
			t.Fatal(err)
		}
		dets[i] = d
	}
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for i, tc := range tests {
				got, conf := dets[i].Detect(tc.text)
				if got != tc.want || conf <= 0 || conf > 1 {
					t.Errorf("Detect(%q) = %s %.2f, want %s", tc.text, got, conf, tc.want)
				}
			}
		})
	}
	wg.Wait()
}

// FuzzDetect: any text is judged without a panic, with a confidence in
// [0, 1]; the voting text keeps the byte length and line breaks of the text
// (it only blanks), so offsets stay valid.
func FuzzDetect(f *testing.F) {
	for _, c := range detectCases {
		f.Add(c.text)
	}
	f.Add("«незакрытая кавычка and some English words here")
	f.Add(`"" () [] «» „“ “” {} <a href="x">`)
	d, err := New(nil)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, text string) {
		for _, keep := range []bool{false, true} {
			v := votingText(text, keep)
			if len(v) != len(text) || strings.Count(v, "\n") != strings.Count(text, "\n") {
				t.Fatalf("votingText(%q, %v) = %q: length or lines changed", text, keep, v)
			}
		}
		l, c := d.Detect(text)
		if c < 0 || c > 1 {
			t.Fatalf("Detect(%q) = %s %v", text, l, c)
		}
		res := d.DetectDocument(text, spans(text))
		if len(res.Paragraphs) != len(spans(text)) {
			t.Fatalf("%d paragraph results for %d spans", len(res.Paragraphs), len(spans(text)))
		}
	})
}
