package fake

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
)

func post(t *testing.T, url string, body any) (int, []byte) {
	t.Helper()
	b, _ := json.Marshal(body)
	resp, err := http.Post(url, "application/json", bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, out
}

func chatBody(user string) map[string]any {
	return map[string]any{"model": "fake-model", "messages": []map[string]string{{"role": "system", "content": "s"}, {"role": "user", "content": user}}}
}

func TestTranslateIsLatinAndStable(t *testing.T) {
	s := New(Options{Glossary: map[string]string{"МИБ": "international information security"}})
	defer s.Close()
	got := s.Translate("Вопросы МИБ и «Щёкино», Ярославль.")
	if want := "Voprosy international information security i «Shchyokino», Yaroslavl."; got != want {
		t.Errorf("Translate = %q, want %q", got, want)
	}
}

func TestChatAnswersSameIDs(t *testing.T) {
	s := New(Options{})
	defer s.Close()
	status, body := post(t, s.BaseURL()+"/chat/completions", chatBody(`{"segments":[{"id":"a","text":"Да"},{"id":"b","text":"Нет"}]}`))
	var resp struct {
		Choices []struct {
			FinishReason string `json:"finish_reason"`
			Message      struct{ Content string }
		}
	}
	if status != 200 || json.Unmarshal(body, &resp) != nil || len(resp.Choices) != 1 {
		t.Fatalf("%d %s", status, body)
	}
	if c := resp.Choices[0]; c.FinishReason != "stop" || c.Message.Content != `{"segments":[{"id":"a","text":"Da"},{"id":"b","text":"Net"}]}` {
		t.Errorf("%+v", c)
	}
}

func TestFaultsByPlanAndCounts(t *testing.T) {
	s := New(Options{Plan: map[int]Fault{2: ServerError, 3: MissingID}})
	defer s.Close()
	user := `{"segments":[{"id":"a","text":"Да"},{"id":"b","text":"Нет"}]}`
	want := []struct {
		status int
		has    string
	}{{200, `"id\":\"b\"`}, {500, "server had an error"}, {200, `"id\":\"a\"`}}
	for i, w := range want {
		status, body := post(t, s.BaseURL()+"/chat/completions", chatBody(user))
		if status != w.status || !strings.Contains(string(body), w.has) {
			t.Errorf("call %d: %d %s", i+1, status, body)
		}
		if i == 2 && strings.Contains(string(body), `\"b\"`) {
			t.Errorf("MissingID kept b: %s", body)
		}
	}
	if s.Calls() != 3 || s.Faults()[ServerError] != 1 || s.Faults()[MissingID] != 1 {
		t.Errorf("calls %d faults %v", s.Calls(), s.Faults())
	}
}

func TestRandomFaultsAreSeededAndConcurrentSafe(t *testing.T) {
	run := func() map[Fault]int {
		s := New(Options{Rate: 0.5, Seed: 9, Pool: []Fault{ServerError, Unavailable}})
		defer s.Close()
		var wg sync.WaitGroup
		for range 40 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				post(t, s.BaseURL()+"/chat/completions", chatBody(`{"segments":[]}`))
			}()
		}
		wg.Wait()
		return s.Faults()
	}
	a, b := run(), run()
	if a[ServerError]+a[Unavailable] == 0 || a[ServerError] != b[ServerError] || a[Unavailable] != b[Unavailable] {
		t.Errorf("fault counts %v and %v", a, b)
	}
}

func TestModelsAndEmbeddings(t *testing.T) {
	s := New(Options{Models: []string{"m1", "m2"}})
	defer s.Close()
	resp, err := http.Get(s.BaseURL() + "/models")
	if err != nil {
		t.Fatal(err)
	}
	var list struct{ Data []struct{ ID string } }
	json.NewDecoder(resp.Body).Decode(&list)
	resp.Body.Close()
	if len(list.Data) != 2 || list.Data[1].ID != "m2" {
		t.Errorf("models %+v", list)
	}
	status, body := post(t, s.BaseURL()+"/embeddings", map[string]any{"model": "m1", "input": []string{"один", "два"}})
	var emb struct {
		Data []struct {
			Index     int
			Embedding []float32
		}
	}
	if status != 200 || json.Unmarshal(body, &emb) != nil || len(emb.Data) != 2 || len(emb.Data[1].Embedding) != 8 {
		t.Fatalf("%d %s", status, body)
	}
	again := Embed("два")
	for i := range again {
		if again[i] != emb.Data[1].Embedding[i] {
			t.Fatal("embedding not deterministic")
		}
	}
	if status, _ := post(t, s.BaseURL()+"/chat/completions", map[string]any{"model": "nope", "messages": []any{}}); status != 404 {
		t.Errorf("unknown model: %d", status)
	}
}
