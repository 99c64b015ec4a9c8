package pipeline

import (
	"strings"
	"testing"
)

// TestRunTranslatesEachSentenceOnce: documents processed at the same time
// that share sentences, and a document that repeats a sentence, send each
// distinct sentence to the endpoint once; every copy gets the English.
func TestRunTranslatesEachSentenceOnce(t *testing.T) {
	e := newJobEnv(t)
	srv := e.fake(nil)
	shared := []string{
		"Стороны обсудили вопросы международной информационной безопасности.",
		"Благодарю за внимание.",
		"Следующий раунд консультаций состоится в будущем году.",
	}
	var paths []string
	for _, name := range []string{"a.txt", "b.txt", "c.txt", "d.txt"} {
		text := strings.Join(shared, " ") + " Документ " + strings.TrimSuffix(name, ".txt") + " подписан в Москве.\n\n" +
			shared[1] + "\n"
		paths = append(paths, e.write(name, text))
	}
	rep := e.run(e.job(srv, jobOptions{batch: 2, concurrency: 4, change: func(c *JobConfig) { c.Parallel = 4 }}), paths...)
	byDoc := e.checkRun(rep)
	if !rep.OK() {
		t.Fatalf("run not OK: %+v", rep.Documents)
	}
	count := map[string]int{}
	for _, s := range sentTexts(t, srv.Received()) {
		count[s]++
	}
	for s, n := range count {
		if n > 1 {
			t.Errorf("%q sent %d times", s, n)
		}
	}
	if want := len(shared) + 4; len(count) != want {
		t.Errorf("%d distinct sentences sent, want %d", len(count), want)
	}
	memory := 0
	for name, segs := range byDoc {
		for _, s := range segs {
			if !s.Done() || s.Target == "" {
				t.Errorf("%s segment %d not translated: %+v", name, s.Idx, s)
			}
			if s.Origin == "memory" {
				memory++
			}
		}
	}
	// 4 documents × 5 segments = 20; 7 distinct sentences were translated.
	if memory != 20-7 {
		t.Errorf("%d segments served without a call, want %d", memory, 20-7)
	}
}
