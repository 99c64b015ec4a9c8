package translate

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/bitext/bitext"
	"github.com/bitext/bitext/endpoint"
)

// controlReplier answers every request with each segment's English
// wrapped in control characters and terminal escape sequences.
type controlReplier struct{}

func (controlReplier) Complete(_ context.Context, req endpoint.Request) (endpoint.Reply, error) {
	var in Wire
	if err := json.Unmarshal([]byte(req.User), &in); err != nil {
		return endpoint.Reply{}, err
	}
	out := Wire{}
	for _, s := range in.Segments {
		out.Segments = append(out.Segments, WireSegment{ID: s.ID, Text: "\x1b[31mThe delegation\x00 spoke\x1b[0m\a.\r\n\x1b]0;owned\x07"})
	}
	b, err := json.Marshal(out)
	return endpoint.Reply{Text: string(b), FinishReason: "stop", Format: endpoint.FormatJSONSchema}, err
}

// TestTranslationsHaveNoControls: control characters in a reply never
// reach a segment's result, which is what the caller stores.
func TestTranslationsHaveNoControls(t *testing.T) {
	var seen []SegmentResult
	tr := New(controlReplier{}, Options{CountTokens: approx, OnResult: func(r SegmentResult) { seen = append(seen, r) }})
	res, err := tr.Translate(context.Background(), Document{Name: "d", Segments: []Segment{
		{ID: "1", Text: "Делегация выступила."}, {ID: "2", Text: "Делегация выступила снова."}}})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Segments) != 2 || len(seen) != 2 {
		t.Fatalf("%d results, %d reported", len(res.Segments), len(seen))
	}
	for _, r := range append(res.Segments, seen...) {
		if r.State != bitext.StateTranslated || strings.TrimSpace(r.Text) != "The delegation spoke." {
			t.Errorf("segment %s: %s %q", r.ID, r.State, r.Text)
		}
		if strings.ContainsFunc(r.Text, func(c rune) bool { return isControl(c) && c != '\n' }) {
			t.Errorf("segment %s keeps control characters: %q", r.ID, r.Text)
		}
	}
}
