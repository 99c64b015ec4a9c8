package glossary

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// needTool finds an outside program the test runs; without it the test
// is skipped, except in CI, which installs it.
func needTool(t *testing.T, name string, args ...string) {
	t.Helper()
	if err := exec.Command(name, args...).Run(); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s is needed (%v): .ci/run installs it", name, err)
		}
		t.Skipf("%s not available: %v", name, err)
	}
}

// TestTBXReadByRealClients: the TBX export of the built-in glossary is
// valid against the TBX schema (xmllint --nonet) and translate-toolkit's
// tbx class reads every entry with its terms.
func TestTBXReadByRealClients(t *testing.T) {
	raw, err := os.ReadFile("../data/glossary.csv")
	if err != nil {
		t.Fatal(err)
	}
	entries, _, err := Parse(bytes.NewReader(raw), CSV, false)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := WriteTBX(&buf, entries, 2); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "glossary.tbx")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	schema := "../../shared/formats/tbx.xsd"
	if _, err := os.Stat(schema); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("no %s: CI runs with ../shared beside the clone", schema)
		}
		t.Skip("no ../shared/formats beside the project")
	}
	needTool(t, "xmllint", "--version")
	if out, err := exec.Command("xmllint", "--noout", "--nonet", "--schema", schema, path).CombinedOutput(); err != nil {
		t.Fatalf("xmllint: %v\n%s", err, out)
	}
	needTool(t, "/usr/bin/python3", "-c", "import translate.storage.tbx")
	script := `import json, sys
from translate.storage import tbx
store = tbx.tbxfile.parsestring(open(sys.argv[1], 'rb').read())
print(json.dumps([[u.source, u.target] for u in store.units], ensure_ascii=False))`
	out, err := exec.Command("/usr/bin/python3", "-c", script, path).Output()
	if err != nil {
		t.Fatalf("translate-toolkit: %v", err)
	}
	var units [][2]string
	if err := json.Unmarshal(out, &units); err != nil {
		t.Fatalf("translate-toolkit output: %v\n%s", err, out)
	}
	if len(units) != len(entries) {
		t.Fatalf("translate-toolkit read %d entries, we wrote %d", len(units), len(entries))
	}
	byRU := map[string]string{}
	for _, u := range units {
		byRU[u[0]] = u[1]
	}
	for _, e := range entries {
		if byRU[e.RU] != e.EN {
			t.Errorf("translate-toolkit reads %q as %q, want %q", e.RU, byRU[e.RU], e.EN)
		}
	}
}
