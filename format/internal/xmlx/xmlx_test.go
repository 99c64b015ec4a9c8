package xmlx

import (
	"bytes"
	"testing"
)

func TestClean(t *testing.T) {
	for in, want := range map[string]string{
		"plain":                       "plain",
		"Кириллица 🙂":                 "Кириллица 🙂",
		"a\x00b\x01c\x1fd":            "abcd",
		"tab\tlf\ncr\r":               "tab\tlf\ncr\r",
		"v\vf\f":                      "v f ",
		"bad \xff\xfe utf8":           "bad \uFFFD\uFFFD utf8",
		"non-char \uFFFE\uFFFF end":   "non-char  end",
		"C1 \u0085 kept, DEL \x7f ok": "C1 \u0085 kept, DEL \x7f ok",
	} {
		if got := Clean(in); got != want {
			t.Errorf("Clean(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestEscape(t *testing.T) {
	var b bytes.Buffer
	Text(&b, "a < b && \"c\" > 'd'\r\n\x01")
	if got := b.String(); got != "a &lt; b &amp;&amp; \"c\" &gt; 'd'&#13;\n" {
		t.Errorf("Text: %q", got)
	}
	b.Reset()
	Attr(&b, "a < b && \"c\" > 'd'\r\n\t\x01")
	if got := b.String(); got != "a &lt; b &amp;&amp; &quot;c&quot; &gt; 'd'&#13;&#10;&#9;" {
		t.Errorf("Attr: %q", got)
	}
}

func TestSpace(t *testing.T) {
	for in, want := range map[string]string{
		"":                      "",
		"a b":                   "a b",
		"  a \n\t b  ":          "a b",
		"a  b":                  "a b",
		" ":                     "",
		"строка\r\nвторая ":     "строка вторая",
		"\u00a0nbsp kept\u00a0": "\u00a0nbsp kept\u00a0",
	} {
		if got := Space(in); got != want {
			t.Errorf("Space(%q) = %q, want %q", in, got, want)
		}
	}
}
