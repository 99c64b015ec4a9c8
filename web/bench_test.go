package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/bitext/bitext"
	"github.com/bitext/bitext/glossary"
	"github.com/bitext/bitext/pipeline"
	"github.com/bitext/bitext/store"
	"github.com/bitext/bitext/web"
)

// benchSentences are news sentences of the kind bitext translates, with
// the glossary's terms (and, in two, renderings it forbids); %d makes each
// of a document's sentences its own.
var benchSentences = [][2]string{
	{"МИД России провел %d-й раунд консультаций по вопросам МИБ с партнерами из ШОС.",
		"The Russian Foreign Ministry held round %d of consultations on international information security with partners from the SCO."},
	{"Делегации обсудили работу Рабочей группы открытого состава ООН и роль ГПЭ в %d году.",
		"The delegations discussed the work of the UN Open-ended Working Group and the role of the GGE in %d."},
	{"Российская Федерация внесла в Генеральную Ассамблею ООН проект резолюции № %d о МИБ.",
		"The Russian Federation submitted draft resolution No. %d on IIB to the UN General Assembly."},
	{"Стороны подчеркнули важность мер укрепления доверия в сфере использования ИКТ, отметив %d инициатив.",
		"The parties stressed the importance of confidence-building measures in the use of ICTs, noting %d initiatives."},
	{"Государства-члены СНГ и ОДКБ договорились о %d совместных мероприятиях по кибербезопасности.",
		"The CIS and CSTO member States agreed on %d joint cybersecurity events."},
	{"В пункте %d доклада говорится о защите критической информационной инфраструктуры.",
		"Paragraph %d of the report deals with the protection of critical information infrastructure."},
	{"Специальный комитет завершил %d-ю сессию работы над конвенцией.",
		"The Ad Hoc Committee concluded session %d of its work on the convention."},
	{"Министерство иностранных дел Российской Федерации выступает за применение норм международного права в информационном пространстве (тезис %d).",
		"The Ministry of Foreign Affairs of the Russian Federation advocates applying the norms of international law in the information space (point %d)."},
	{"На заседании Совета Безопасности ООН %d марта обсуждались угрозы информационной безопасности.",
		"At the meeting of the UN Security Council on %d March, threats to information safety were discussed."},
	{"Страны БРИКС и АСЕАН представили %d предложений по управлению Интернетом.",
		"The BRICS and ASEAN countries submitted %d proposals on Internet governance."},
	{"Минцифры и ФСБ подготовили %d рекомендаций по обеспечению суверенитета в информационном обществе.",
		"The Ministry of Digital Development and the FSB prepared %d recommendations on ensuring sovereignty in the information society."},
	{"Международный союз электросвязи опубликовал %d материалов об ответственном поведении государств.",
		"The International Telecommunication Union published %d papers on responsible behaviour of States."},
	{"Встреча прошла в конструктивной атмосфере, стороны обменялись мнениями по %d вопросам.",
		"The meeting was held in a constructive atmosphere; the parties exchanged views on %d issues."},
	{"Первый комитет одобрил %d документов по МИБ при поддержке государств-членов ООН.",
		"The First Committee approved %d documents on international information security with the support of UN member States."},
	{"Постоянный представитель Российской Федерации при ООН выступил %d раз в ходе сессии.",
		"The Permanent Representative of the Russian Federation to the UN spoke %d times during the session."},
	{"Исполнительный комитет СНГ провел %d межведомственных консультаций.",
		"The CIS Executive Committee held %d interagency consultations."},
}

// benchSpecs returns n pairs of benchSentences, numbered from first.
func benchSpecs(n, first int) []spec {
	out := make([]spec, n)
	for k := range n {
		s := benchSentences[k%len(benchSentences)]
		num := first + k
		out[k] = spec{ru: fmt.Sprintf(s[0], num), en: fmt.Sprintf(s[1], num), conf: float64((k*37)%100) / 100}
	}
	return out
}

// benchGlossary loads data/glossary.csv into db and returns its checker.
func benchGlossary(b *testing.B, db *store.DB) *pipeline.Glossary {
	b.Helper()
	f, err := os.Open("../data/glossary.csv")
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	entries, _, err := glossary.Parse(f, glossary.CSV, false)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := db.ImportGlossary(context.Background(), entries, "bench"); err != nil {
		b.Fatal(err)
	}
	g, err := pipeline.NewGlossary(entries)
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("glossary: %d entries", len(entries))
	return g
}

// benchServer is a server over a database with the glossary, called
// directly (no network), and a session with its cookie and CSRF token.
type benchServer struct {
	db     *store.DB
	srv    *web.Server
	g      *pipeline.Glossary
	cookie *http.Cookie
	csrf   string
}

func newBenchServer(b *testing.B) *benchServer {
	b.Helper()
	bs := &benchServer{db: openDB(b)}
	bs.g = benchGlossary(b, bs.db)
	var err error
	if bs.srv, err = web.New(web.Config{Store: bs.db, User: "bench"}); err != nil {
		b.Fatal(err)
	}
	rec := bs.serve(b, "GET", "/api/session", "")
	var s struct{ CSRF string }
	if err := json.Unmarshal(rec.Body.Bytes(), &s); err != nil || s.CSRF == "" {
		b.Fatalf("GET /api/session: %d %s", rec.Code, rec.Body)
	}
	bs.csrf = s.CSRF
	for _, c := range rec.Result().Cookies() {
		if c.Name == "bitext_session" {
			bs.cookie = c
		}
	}
	return bs
}

func (bs *benchServer) serve(b *testing.B, method, path, body string) *httptest.ResponseRecorder {
	var req *http.Request
	if body != "" {
		req = httptest.NewRequest(method, path, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
	} else {
		req = httptest.NewRequest(method, path, nil)
	}
	req.Host = "127.0.0.1:8080"
	if bs.cookie != nil {
		req.AddCookie(bs.cookie)
		req.Header.Set("X-CSRF-Token", bs.csrf)
	}
	rec := httptest.NewRecorder()
	bs.srv.ServeHTTP(rec, req)
	return rec
}

// seed stores a document of n pairs numbered from first, checked with the
// glossary.
func (bs *benchServer) seed(b *testing.B, name string, n, first int) (int64, []bitext.Pair) {
	b.Helper()
	return seedChecked(b, bs.db, name, benchSpecs(n, first), bs.g.Check)
}

// BenchmarkReviewPage1000: the server's time to render the review page of
// a 1,000-pair document with a glossary of about 90 entries (target:
// ≤ 100 ms).
func BenchmarkReviewPage1000(b *testing.B) {
	bs := newBenchServer(b)
	doc, ps := bs.seed(b, "news.ru.txt", 1000, 1)
	viol := 0
	for _, p := range ps {
		if len(p.Violations) > 0 {
			viol++
		}
	}
	path := fmt.Sprintf("/docs/%d", doc)
	rec := bs.serve(b, "GET", path, "")
	if rec.Code != http.StatusOK || strings.Count(rec.Body.String(), `<tr id="p`) != 1000 || !strings.Contains(rec.Body.String(), `<mark class="forbidden"`) {
		b.Fatalf("GET %s: %d, %d rows", path, rec.Code, strings.Count(rec.Body.String(), `<tr id="p`))
	}
	b.Logf("1000 pairs, %d with violations; page %d KiB", viol, rec.Body.Len()>>10)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if rec := bs.serve(b, "GET", path, ""); rec.Code != http.StatusOK {
			b.Fatalf("GET %s: %d", path, rec.Code)
		}
	}
}

// BenchmarkApprove: POST /api/pairs/{id}/approve, each time a different
// draft pair of a 1,000-pair document (target: ≤ 20 ms).
func BenchmarkApprove(b *testing.B) {
	bs := newBenchServer(b)
	const n = 1000
	gen := 0
	var ps []bitext.Pair
	next := 0
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if next == len(ps) { // every pair approved: a new document
			b.StopTimer()
			_, ps = bs.seed(b, fmt.Sprintf("news-%d.ru.txt", gen), n, 1+gen*n)
			gen++
			next = 0
			b.StartTimer()
		}
		p := ps[next]
		next++
		rec := bs.serve(b, "POST", fmt.Sprintf("/api/pairs/%d/approve", p.ID), fmt.Sprintf(`{"version": %d}`, p.Version))
		if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `"status":"approved"`) || strings.Contains(rec.Body.String(), `"skipped"`) {
			b.Fatalf("approve pair %d: %d %s", p.ID, rec.Code, rec.Body)
		}
	}
}
