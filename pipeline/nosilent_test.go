package pipeline

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bitext/bitext"
	"github.com/bitext/bitext/endpoint"
	"github.com/bitext/bitext/endpoint/fake"
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
	segs[0].State, segs[0].Target, segs[0].Origin = bitext.StateTranslated, "The parties discussed security issues.", "model"
	if err := e.db.SaveSegment(ctx, &segs[0], nil); err != nil {
		t.Fatal(err)
	}
	j := &Job{Analyzer: sharedAnalyzer(t), Store: e.db, Config: JobConfig{OutDir: e.out}}
	if err := os.MkdirAll(e.out, 0o755); err != nil {
		t.Fatal(err)
	}
	w := &docWork{file: FileResult{Path: doc.Path, Doc: doc, DocID: doc.ID}, report: DocReport{Action: ActTranslated}, segs: segs}
	if err := j.completeTranslation(ctx, w); err != nil {
		t.Fatal(err)
	}
	dr := w.report
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

// TestRunStopsWhenEndpointGoesAway: the endpoint stops answering after a
// few calls. The run does not grind through every document: once a few
// requests in a row cannot connect, nothing more is sent, the untranslated
// segments stay pending (none is failed for it), the documents are
// reported waiting or incomplete, never translated, and a later run with
// the endpoint back finishes them.
func TestRunStopsWhenEndpointGoesAway(t *testing.T) {
	e := newJobEnv(t)
	var paths []string
	for i := range 12 {
		paths = append(paths, e.write(fmt.Sprintf("r%02d.txt", i), russian(fmt.Sprintf("r%02d", i), 12)))
	}
	srv := e.fake(func(o *fake.Options) { o.GoneAfter = 3 })
	j := e.job(srv, jobOptions{batch: 6, concurrency: 2})
	rep := e.run(j, e.in)
	// 24 requests would translate everything; 3 were answered, then
	// DefaultAwayAfter failed in a row, plus those already in flight.
	if rep.Calls > 3+endpoint.DefaultAwayAfter+4 {
		t.Errorf("%d requests made to a server that went away after 3", rep.Calls)
	}
	t.Logf("%d requests, %d answered", rep.Calls, srv.Calls())
	waiting := 0
	for _, d := range rep.Documents {
		switch d.Action {
		case ActWaiting, ActIncomplete:
			waiting++
		case ActTranslated:
			if d.Segments[bitext.StatePending] > 0 || d.Segments[bitext.StateFailed] > 0 {
				t.Errorf("%s reported translated with %v", d.File, d.Segments)
			}
		default:
			t.Errorf("%s: %s (%s)", d.File, d.Action, d.Error)
		}
	}
	if waiting < 10 || rep.OK() {
		t.Errorf("%d documents wait, report OK %v: %+v", waiting, rep.OK(), rep.Documents)
	}
	if rep.Segments[bitext.StateFailed] != 0 {
		t.Errorf("%d segments failed because the endpoint went away; they should wait", rep.Segments[bitext.StateFailed])
	}
	if rep.Segments[bitext.StatePending] == 0 {
		t.Errorf("no segment left pending: %v", rep.Segments)
	}
	// The endpoint is back: the next run finishes everything.
	back := e.fake(nil)
	rep = e.run(e.job(back, jobOptions{}), paths...)
	if !rep.OK() {
		t.Errorf("second run not OK: %v %+v", rep.Segments, rep.Documents)
	}
	e.checkRun(rep)
}
