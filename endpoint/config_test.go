package endpoint

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func envMap(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestFromEnv(t *testing.T) {
	c, err := FromEnv(envMap(map[string]string{
		"OPENAI_BASE_URL":    "http://localhost:8000/v1",
		"OPENAI_API_KEY":     "sk-test",
		"BITEXT_MODEL":       "qwen2.5:14b",
		"BITEXT_TEMPERATURE": "0.2",
		"BITEXT_MAX_TOKENS":  "2048",
		"BITEXT_TIMEOUT":     "45s",
		"BITEXT_CONCURRENCY": "8",
		"BITEXT_RPM":         "500",
		"BITEXT_TPM":         "200000",
		"BITEXT_MAX_RETRIES": "3",
		"BITEXT_PRICE_IN":    "0.15",
		"BITEXT_PRICE_OUT":   "0.6",
	}))
	if err != nil {
		t.Fatal(err)
	}
	want := Default()
	want.BaseURL, want.APIKey, want.Model = "http://localhost:8000/v1", "sk-test", "qwen2.5:14b"
	want.Temperature, want.MaxTokens, want.Timeout = 0.2, 2048, Duration(45*time.Second)
	want.Concurrency, want.RequestsPerMinute, want.TokensPerMinute, want.MaxRetries = 8, 500, 200000, 3
	want.PriceInPerMTok, want.PriceOutPerMTok = 0.15, 0.6
	if c != want {
		t.Errorf("FromEnv:\n got %+v\nwant %+v", c, want)
	}
	if err := c.Validate(); err != nil {
		t.Errorf("Validate: %v", err)
	}
}

func TestFromEnvReportsEveryBadVariable(t *testing.T) {
	_, err := FromEnv(envMap(map[string]string{"BITEXT_TEMPERATURE": "warm", "BITEXT_TIMEOUT": "soon", "BITEXT_RPM": "1.5"}))
	if err == nil {
		t.Fatal("no error for malformed variables")
	}
	for _, name := range []string{"BITEXT_TEMPERATURE", "BITEXT_TIMEOUT", "BITEXT_RPM"} {
		if !strings.Contains(err.Error(), name) {
			t.Errorf("error does not name %s: %v", name, err)
		}
	}
}

func TestEnvVarsDocumentEveryVariableRead(t *testing.T) {
	read := map[string]bool{}
	c := Default()
	c.ApplyEnv(func(k string) string { read[k] = true; return "" })
	documented := map[string]bool{}
	for _, v := range EnvVars {
		documented[v.Name] = true
		if v.Help == "" {
			t.Errorf("%s has no help", v.Name)
		}
	}
	for k := range read {
		if !documented[k] {
			t.Errorf("%s is read but not in EnvVars", k)
		}
	}
	for k := range documented {
		if !read[k] {
			t.Errorf("%s is documented but never read", k)
		}
	}
}

func TestValidate(t *testing.T) {
	ok := Default()
	ok.BaseURL, ok.Model = "http://localhost:11434/v1", "llama3"
	tests := []struct {
		name   string
		change func(*Config)
		want   string // substring of the error; "" = valid
	}{
		{"local server without key", func(c *Config) {}, ""},
		{"openai with key only", func(c *Config) { c.BaseURL, c.APIKey = "", "sk-x" }, ""},
		{"no model", func(c *Config) { c.Model = "" }, "BITEXT_MODEL"},
		{"nothing configured", func(c *Config) { c.BaseURL = "" }, "OPENAI_BASE_URL"},
		{"bad url", func(c *Config) { c.BaseURL = "localhost:8000" }, "not an http(s) URL"},
		{"azure without key", func(c *Config) { c.APIType = APIAzure }, "azure needs OPENAI_API_KEY"},
		{"unknown api type", func(c *Config) { c.APIType = "bedrock" }, "BITEXT_API_TYPE"},
		{"bad format", func(c *Config) { c.ResponseFormat = "yaml" }, "BITEXT_RESPONSE_FORMAT"},
		{"hot", func(c *Config) { c.Temperature = 3 }, "BITEXT_TEMPERATURE"},
		{"zero timeout", func(c *Config) { c.Timeout = 0 }, "BITEXT_TIMEOUT"},
		{"zero concurrency", func(c *Config) { c.Concurrency = 0 }, "BITEXT_CONCURRENCY"},
		{"negative rpm", func(c *Config) { c.RequestsPerMinute = -1 }, "BITEXT_RPM"},
		{"too many retries", func(c *Config) { c.MaxRetries = 99 }, "BITEXT_MAX_RETRIES"},
		{"negative price", func(c *Config) { c.PriceOutPerMTok = -1 }, "prices"},
		{"NaN temperature", func(c *Config) { c.Temperature = math.NaN() }, "BITEXT_TEMPERATURE"},
		{"NaN price", func(c *Config) { c.PriceInPerMTok = math.NaN() }, "prices"},
		{"infinite price", func(c *Config) { c.PriceInPerMTok = math.Inf(1) }, "prices"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := ok
			tt.change(&c)
			err := c.Validate()
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("unexpected error: %v", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Errorf("error %v, want it to mention %q", err, tt.want)
			}
		})
	}
}

func TestLoadFile(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "endpoint.json")
	os.WriteFile(good, []byte(`{"base_url":"http://gpu:8000/v1","model":"m","timeout":"30s","max_retry_wait":5,"concurrency":2}`), 0o644)
	c := Default()
	if err := c.LoadFile(good); err != nil {
		t.Fatal(err)
	}
	if c.BaseURL != "http://gpu:8000/v1" || c.Model != "m" || c.Timeout != Duration(30*time.Second) ||
		c.MaxRetryWait != Duration(5*time.Second) || c.Concurrency != 2 || c.MaxRetries != Default().MaxRetries {
		t.Errorf("LoadFile gave %+v", c)
	}
	typo := filepath.Join(dir, "typo.json")
	os.WriteFile(typo, []byte(`{"modle":"m"}`), 0o644)
	if err := c.LoadFile(typo); err == nil || !strings.Contains(err.Error(), "modle") {
		t.Errorf("unknown key not reported: %v", err)
	}
	if err := c.LoadFile(filepath.Join(dir, "missing.json")); err == nil {
		t.Error("missing file not reported")
	}
	// Malformed files: the error says where and what the file must hold,
	// never a bare "EOF".
	for _, tc := range []struct{ name, text, want string }{
		{"empty", "", "the file is empty; it must hold one JSON object"},
		{"cut short", "{\"model\": ", "ends inside the JSON object"},
		{"syntax error", "{\"model\": \"m\",\n x}", "not valid JSON at line 2"},
		{"array", "[1]", "the file holds a JSON array"},
		{"two objects", "{\"model\": \"m\"}\n{\"modle\": \"n\"}", "more after the settings object (line 2)"},
		{"trailing garbage", "{\"model\": \"m\"} x", "more after the settings object"},
	} {
		p := filepath.Join(dir, "bad.json")
		os.WriteFile(p, []byte(tc.text), 0o644)
		c := Default()
		if err := c.LoadFile(p); err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), p) {
			t.Errorf("%s: error %v, want it to name %s and say %q", tc.name, err, p, tc.want)
		}
	}
	trailingSpace := filepath.Join(dir, "space.json")
	os.WriteFile(trailingSpace, []byte("{\"model\": \"m\"}\n\n"), 0o644)
	c = Default()
	if err := c.LoadFile(trailingSpace); err != nil || c.Model != "m" {
		t.Errorf("white space after the object: %v", err)
	}
}

func TestDurationJSONRoundTrip(t *testing.T) {
	b, err := json.Marshal(Duration(90 * time.Second))
	if err != nil || string(b) != `"1m30s"` {
		t.Fatalf("marshal: %s %v", b, err)
	}
	var d Duration
	if err := json.Unmarshal(b, &d); err != nil || d != Duration(90*time.Second) {
		t.Fatalf("unmarshal: %v %v", d, err)
	}
	if err := json.Unmarshal([]byte(`true`), &d); err == nil {
		t.Error("a boolean was accepted as a duration")
	}
}

func TestCostAndString(t *testing.T) {
	c := Default()
	c.APIKey, c.Model, c.PriceInPerMTok, c.PriceOutPerMTok = "sk-secret", "gpt-4o-mini", 0.15, 0.60
	if got := c.Cost(Usage{PromptTokens: 2_000_000, CompletionTokens: 1_000_000}); got < 0.8999 || got > 0.9001 {
		t.Errorf("Cost = %v, want 0.90", got)
	}
	if s := c.String(); strings.Contains(s, "secret") || !strings.Contains(s, "api.openai.com") {
		t.Errorf("String() = %q", s)
	}
}

// FuzzLoadFile feeds arbitrary bytes to LoadFile as a configuration file.
// It must never panic; an error names the file; and a file it accepts
// either fails Validate or gives settings inside their documented ranges.
func FuzzLoadFile(f *testing.F) {
	f.Add([]byte(`{"base_url":"http://gpu:8000/v1","model":"m","timeout":"30s","max_retry_wait":5,"concurrency":2}`))
	f.Add([]byte(`{"temperature":1e308,"price_in_per_mtok":-0,"timeout":-1}`))
	f.Add([]byte(`{"timeout":"1e300s","max_retry_wait":1e300}`))
	f.Add([]byte(`{"model":"m"} {"model":"n"}`))
	f.Add([]byte(`[]`))
	f.Add([]byte{0xff, 0xfe, '{'})
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(dir, "endpoint.json")
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		c := Default()
		if err := c.LoadFile(path); err != nil {
			if !strings.Contains(err.Error(), path) {
				t.Errorf("error does not name the file: %v", err)
			}
			return
		}
		if c.Validate() != nil {
			return
		}
		if !(c.Temperature >= 0 && c.Temperature <= 2) || c.Timeout <= 0 || c.Concurrency < 1 || c.Concurrency > 256 ||
			c.MaxRetries < 0 || c.MaxRetries > 20 || c.MaxRetryWait < 0 || math.IsNaN(c.PriceInPerMTok) || math.IsInf(c.PriceOutPerMTok, 0) {
			t.Errorf("Validate accepted %+v", c)
		}
		_ = c.String()
	})
}
