package pipeline

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bitext/bitext/store"
)

// tricky are Russian documents whose paragraphs carry what used to make a
// Russian paragraph pass for English and be copied into the translation: a
// URL, a quoted English title, e-mail addresses, JSON, an English
// paragraph quoting Russian, a Russian clause among English words.
var tricky = map[string]string{
	"url.txt": "Заявление МИД России о консультациях по вопросам безопасности.\n\n" +
		"Подробности на сайте https://www.mid.ru/ru/foreign_policy/news/1234567/?lang=ru&x=international-information-security-statement\n\n" +
		"Стороны договорились продолжить диалог.\n",
	"title.txt": "Резолюция «Developing a Global Framework for Responsible State Behaviour in Cyberspace and International Information Security Issues» принята консенсусом.\n\n" +
		"Российская делегация приветствовала это решение.\n",
	"email.txt": "Вопросы направляйте по адресам press-service-international-information-security@mid.ru и info.department.security@mid.ru.\n\n" +
		"Пресс-служба ответит в течение дня.\n",
	"json.txt": "Сведения о документе приводятся ниже.\n\n" +
		`{"document": "statement", "status": "adopted", "language": "russian", "year": 2024, "подпись": "МИД России"}` + "\n\n" +
		"Документ распространен в качестве официального.\n",
	"quote.txt": "Стороны обсудили вопросы международной информационной безопасности и договорились продолжить консультации.\n\n" +
		"The Russian term «МИБ» is rendered as international information security throughout this statement.\n\n" +
		"Next consultations will be held in Geneva in the spring of next year, the parties agreed.\n",
	"clause.txt": "Делегации обсудили the implementation of the rules, norms and principles of responsible behaviour of States in the ICT environment.\n\n" +
		"Министр подчеркнул важность диалога.\n",
	"short.txt": "The delegation of the Russian Federation took part in the session of the working group.\n\n" +
		"Москва\n\n" +
		"Российская делегация выступила с заявлением о мерах доверия.\n",
}

// TestRunNoCyrillicInEnglish runs the job over every fixture the project
// has (the samples, the reader's test files, the pipeline's own, and the
// tricky documents above) against the fake endpoint, and asserts that no
// English output holds Cyrillic and no document with Russian in it passes
// through untranslated.
func TestRunNoCyrillicInEnglish(t *testing.T) {
	e := newJobEnv(t)
	for name, text := range tricky {
		e.write(name, text)
	}
	srv := e.fake(nil)
	j := e.job(srv, jobOptions{})
	paths := []string{e.in, "../data/samples", "../data/samples-bad", "../input/testdata", "testdata"}
	rep := e.run(j, paths...)
	translated := map[string]bool{}
	for _, d := range rep.Documents {
		for _, o := range d.Outputs {
			if !strings.HasSuffix(o, ".en.txt") {
				continue
			}
			b, err := os.ReadFile(o)
			if err != nil {
				t.Fatal(err)
			}
			if hasCyrillic(string(b)) {
				t.Errorf("%s (%s, %s): %s holds Cyrillic:\n%s", d.File, d.Lang, d.Action, o, b)
			}
			if d.Action != ActTranslated {
				t.Errorf("%s (%s): %s, %s", d.File, d.Lang, d.Action, d.Error)
			}
			translated[filepath.Base(d.File)] = true
		}
		if d.Action == ActPassed && d.DocID != 0 {
			doc, err := e.db.Document(t.Context(), d.DocID)
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range doc.Paragraphs {
				if p.Lang == "ru" {
					t.Errorf("%s passed through with Russian paragraph %d", d.File, p.Index)
				}
			}
		}
	}
	for name := range tricky {
		if !translated[name] {
			t.Errorf("%s: not translated (report: %+v)", name, rep.Documents)
		}
	}
	if len(translated) < len(tricky)+5 {
		t.Errorf("only %d documents translated: %v", len(translated), translated)
	}
}

// TestWriteTranslationWithholdsCyrillic: the last guard. A paragraph that
// detection left English although it holds Cyrillic (as it may when
// several configured languages are written in Cyrillic) is not copied into
// NAME.en.txt; the document is reported incomplete with the paragraph and
// a reason.
func TestWriteTranslationWithholdsCyrillic(t *testing.T) {
	e := newJobEnv(t)
	ctx := t.Context()
	text := "Стороны обсудили вопросы безопасности.\n\nThe term «МИБ» stands for international information security.\n\nThe parties agreed to meet again."
	doc := sharedAnalyzer(t).AnalyzeAs(text, "ru")
	doc.Paragraphs[1].Lang, doc.Paragraphs[2].Lang = "en", "en"
	doc.Name, doc.Path, doc.Format, doc.Encoding = "guard.txt", "guard.txt", "text", "utf-8"
	if _, err := e.db.SaveDocument(ctx, doc); err != nil {
		t.Fatal(err)
	}
	segs, err := e.db.TrackSegments(ctx, doc.ID, "en")
	if err != nil {
		t.Fatal(err)
	}
	if len(segs) != 1 {
		t.Fatalf("%d segments, want the Russian paragraph's 1", len(segs))
	}
	segs[0].State, segs[0].Target, segs[0].Origin = store.SegTranslated, "The parties discussed security issues.", "model"
	if err := e.db.SaveSegment(ctx, &segs[0], nil); err != nil {
		t.Fatal(err)
	}
	j := &Job{Analyzer: sharedAnalyzer(t), Store: e.db, Config: JobConfig{OutDir: e.out}}
	if err := os.MkdirAll(e.out, 0o755); err != nil {
		t.Fatal(err)
	}
	dr := DocReport{Action: ActTranslated}
	if err := j.writeTranslation(ctx, doc, segs, &dr, nil, nil); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(e.out, "guard.en.txt"))
	if err != nil {
		t.Fatal(err)
	}
	en := string(b)
	if hasCyrillic(en) {
		t.Errorf("English holds Cyrillic:\n%s", en)
	}
	for _, want := range []string{"The parties discussed security issues.", "[untranslated sentence 2: ", "The parties agreed to meet again."} {
		if !strings.Contains(en, want) {
			t.Errorf("English lacks %q:\n%s", want, en)
		}
	}
	if dr.Action != ActIncomplete || !strings.Contains(dr.Error, "paragraph 2 ") {
		t.Errorf("report: %s, %q; want incomplete naming paragraph 2", dr.Action, dr.Error)
	}
}
