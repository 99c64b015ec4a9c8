package input

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// articlePage wraps body paragraphs into a page with the chrome of a
// ministry site, so that trafilatura finds an article in it.
func articlePage(paragraphs ...string) string {
	var b strings.Builder
	b.WriteString(`<!DOCTYPE html><html lang="ru"><head><meta charset="utf-8"><title>Сообщение для СМИ</title></head><body>
<nav><ul><li><a href="/">Главная</a></li><li><a href="/news">Новости</a></li></ul></nav>
<main><article><h1>О встрече заместителя Министра с послом</h1>
<p>15 апреля заместитель Министра иностранных дел Российской Федерации провёл встречу с послом Республики в Москве.</p>
`)
	for _, p := range paragraphs {
		b.WriteString(p)
		b.WriteByte('\n')
	}
	b.WriteString(`<p>Стороны договорились продолжить регулярные консультации по вопросам международной информационной безопасности.</p>
</article></main><footer><p>© Министерство иностранных дел</p></footer></body></html>`)
	return b.String()
}

// plainText runs the fallback extraction (used when trafilatura finds no
// article) over page.
func plainText(t *testing.T, page string) string {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	if err := prune(context.Background(), doc); err != nil {
		t.Fatal(err)
	}
	return Normalize(renderText(bodyOf(doc)))
}

// paragraphOf returns the paragraph of text that contains s, or "".
func paragraphOf(text, s string) string {
	for _, p := range strings.Split(text, "\n\n") {
		if strings.Contains(p, s) {
			return p
		}
	}
	return ""
}

// TestHTMLInlineElementsKeepText checks that the text after a script,
// style, noscript or svg element inside a paragraph stays in that
// paragraph, through trafilatura and through the plain fallback.
func TestHTMLInlineElementsKeepText(t *testing.T) {
	tests := []struct{ name, para string }{
		{"script", `<p>Первое предложение о консультациях.<script>var x=1;</script> Второе предложение о консультациях.</p>`},
		{"style", `<p>Первое предложение о консультациях.<style>p{color:red}</style> Второе предложение о консультациях.</p>`},
		{"noscript", `<p>Первое предложение о консультациях.<noscript><img src="pixel.gif"></noscript> Второе предложение о консультациях.</p>`},
		{"svg", `<p>Первое предложение о консультациях.<svg viewBox="0 0 10 10"><title>значок</title><path d="M0 0h10"/></svg> Второе предложение о консультациях.</p>`},
		{"script inside strong", `<p>Первое предложение о консультациях.<strong><script>track()</script></strong> Второе предложение о консультациях.</p>`},
		{"two scripts", `<p>Первое предложение о консультациях.<script>a()</script><script>b()</script> Второе предложение о консультациях.</p>`},
	}
	const want = "Первое предложение о консультациях. Второе предложение о консультациях."
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var logBuf bytes.Buffer
			r := &Reader{Log: slog.New(slog.NewTextHandler(&logBuf, nil))}
			doc, err := r.Read(context.Background(), "release.html", strings.NewReader(articlePage(tc.para)))
			if err != nil {
				t.Fatal(err)
			}
			if strings.Contains(logBuf.String(), "plain tag-stripping") {
				t.Fatalf("trafilatura found no article; the test page must exercise it:\n%s", logBuf.String())
			}
			if got := paragraphOf(doc.Text, "Первое предложение"); got != want {
				t.Errorf("trafilatura: paragraph = %q, want %q\nwhole text:\n%s", got, want, doc.Text)
			}
			if got := paragraphOf(plainText(t, articlePage(tc.para)), "Первое предложение"); got != want {
				t.Errorf("plain fallback: paragraph = %q, want %q", got, want)
			}
			for _, bad := range []string{"var x", "color:red", "значок", "track()", "a()"} {
				if strings.Contains(doc.Text, bad) {
					t.Errorf("text has %q:\n%s", bad, doc.Text)
				}
			}
		})
	}
}

// TestHTMLHiddenContent checks that template content and hidden elements
// do not come out, and that the text around them does.
func TestHTMLHiddenContent(t *testing.T) {
	tests := []struct{ name, para string }{
		{"template", `<template><p>Шаблон карточки новости.</p></template>`},
		{"template inline", `<p>Текст до. <template><span>Шаблон карточки новости.</span></template>Текст после.</p>`},
		{"hidden attribute", `<div hidden><p>Шаблон карточки новости.</p></div>`},
		{"hidden empty value", `<p>Текст до. <span hidden="">Шаблон карточки новости.</span>Текст после.</p>`},
		{"aria-hidden", `<p aria-hidden="true">Шаблон карточки новости.</p>`},
		{"aria-hidden upper case", `<div ARIA-HIDDEN="TRUE"><p>Шаблон карточки новости.</p></div>`},
		{"display none", `<div style="display:none"><p>Шаблон карточки новости.</p></div>`},
		{"display none spaced", `<p>Текст до. <span style="color: red; DISPLAY : None !important">Шаблон карточки новости.</span>Текст после.</p>`},
		{"visibility hidden", `<div style="margin:0;visibility: hidden"><p>Шаблон карточки новости.</p></div>`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			page := articlePage(tc.para)
			doc, err := (&Reader{}).Read(context.Background(), "release.html", strings.NewReader(page))
			if err != nil {
				t.Fatal(err)
			}
			for name, text := range map[string]string{"trafilatura": doc.Text, "plain": plainText(t, page)} {
				if strings.Contains(text, "Шаблон") {
					t.Errorf("%s: hidden text came out:\n%s", name, text)
				}
				if !strings.Contains(text, "Стороны договорились") {
					t.Errorf("%s: the text after the hidden element is lost:\n%s", name, text)
				}
				if strings.Contains(tc.para, "Текст до.") && paragraphOf(text, "Текст до.") != "Текст до. Текст после." {
					t.Errorf("%s: paragraph = %q, want %q", name, paragraphOf(text, "Текст до."), "Текст до. Текст после.")
				}
			}
		})
	}
	t.Run("visible content kept", func(t *testing.T) {
		for _, para := range []string{
			`<p hidden="until-found">Раскрываемый раздел сообщения.</p>`,
			`<p aria-hidden="false">Раскрываемый раздел сообщения.</p>`,
			`<p style="display:block; visibility:visible">Раскрываемый раздел сообщения.</p>`,
			`<p data-style="display:none">Раскрываемый раздел сообщения.</p>`,
		} {
			page := articlePage(para)
			doc, err := (&Reader{}).Read(context.Background(), "release.html", strings.NewReader(page))
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(doc.Text, "Раскрываемый раздел") || !strings.Contains(plainText(t, page), "Раскрываемый раздел") {
				t.Errorf("%s: visible text lost:\n%s", para, doc.Text)
			}
		}
	})
}

func nestedDivs(depth int) string {
	return "<html><body>" + strings.Repeat("<div>", depth) + "Текст сообщения." + strings.Repeat("</div>", depth) + "</body></html>"
}

// TestHTMLTooDeep checks that pathologically nested markup is refused with
// an *Error of kind ErrTooDeep naming the file and the limit, and that real
// pages, however many unclosed elements they have, are not.
func TestHTMLTooDeep(t *testing.T) {
	r := &Reader{}
	ctx := context.Background()
	deep := []string{
		nestedDivs(maxHTMLDepth + 1),
		nestedDivs(100_000),
		// HTML ignores the slash: each <span/> opens a span.
		"<p>" + strings.Repeat("Строка<span/>", 5000) + "</p>",
		strings.Repeat("<table><tr><td>", 1000),
		strings.Repeat("<b><i>", 1000),
	}
	for _, page := range deep {
		depth := len(page)
		_, err := r.Read(ctx, "deep.html", strings.NewReader(page))
		var fe *Error
		if !errors.As(err, &fe) || !errors.Is(err, ErrTooDeep) {
			t.Fatalf("page of %d bytes: err = %v, want an *Error of kind ErrTooDeep", depth, err)
		}
		msg := err.Error()
		if fe.Path != "deep.html" || !strings.HasPrefix(msg, "deep.html: ") || !strings.Contains(msg, "512") || !strings.Contains(msg, "line 1") || !strings.Contains(msg, "save") {
			t.Errorf("page of %d bytes: message %q should name the file, the limit, the line and what to do", depth, msg)
		}
	}
	fine := []struct{ name, page string }{
		{"just under the limit", nestedDivs(maxHTMLDepth - 4)},
		{"unclosed paragraphs", "<html><body>" + strings.Repeat("<p>Абзац сообщения.", 5000) + "</body></html>"},
		{"unclosed list items", "<ul>" + strings.Repeat("<li>Пункт перечня.", 5000) + "</ul>"},
		{"unclosed table cells", "<table>" + strings.Repeat("<tr><td>Ячейка<td>Ячейка", 2000) + "</table>"},
		{"unclosed definitions", "<dl>" + strings.Repeat("<dt>Термин<dd>Определение", 2000) + "</dl>"},
		{"void elements", "<p>" + strings.Repeat("Строка<br><img src=x><input>", 5000) + "</p>"},
		{"self-closed svg elements", "<p>Текст сообщения.<svg>" + strings.Repeat("<path d='M0 0'/>", 5000) + "</svg></p>"},
		{"stray end tags", strings.Repeat("</div></span>", 5000) + "<p>Текст сообщения.</p>"},
		{"closed siblings", strings.Repeat("<div><p>Абзац сообщения.</p></div>", 5000)},
		{"script with tags inside", "<p>Текст сообщения.</p><script>" + strings.Repeat("'<div>'+", 5000) + "''</script>"},
		{"unclosed paragraphs in divs", strings.Repeat("<div><p>Абзац сообщения.</div>", 5000)},
		{"unclosed options", "<select>" + strings.Repeat("<option>Вариант", 5000) + "</select><p>Текст сообщения.</p>"},
	}
	for _, tc := range fine {
		if _, err := r.Read(ctx, "page.html", strings.NewReader(tc.page)); err != nil {
			t.Errorf("%s: %v", tc.name, err)
		}
	}
}

// TestHTMLDepthCanceled checks that the depth check stops when ctx ends.
func TestHTMLDepthCanceled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := checkHTMLDepth(ctx, strings.Repeat("<p>Абзац</p>", 100_000)); !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
}

// BenchmarkReadNestedHTML reads pages of nested <div>s: the time grows
// linearly with the depth (the deep ones are refused by the depth check).
func BenchmarkReadNestedHTML(b *testing.B) {
	for _, depth := range []int{500, 1_000, 10_000, 100_000} {
		page := nestedDivs(depth)
		b.Run(fmt.Sprintf("depth=%d", depth), func(b *testing.B) {
			r := &Reader{}
			b.SetBytes(int64(len(page)))
			for b.Loop() {
				_, err := r.Read(context.Background(), "deep.html", strings.NewReader(page))
				if (depth > maxHTMLDepth) != errors.Is(err, ErrTooDeep) {
					b.Fatalf("depth %d: err = %v", depth, err)
				}
			}
		})
	}
}

// treeDepth is the deepest nesting of elements under n.
func treeDepth(n *html.Node) int {
	d := 0
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		d = max(d, treeDepth(c))
	}
	if n.Type == html.ElementNode {
		d++
	}
	return d
}

// FuzzHTMLDepth compares the depth check, with a small limit, against the
// depth of the tree the parser builds: a page it lets through is at most
// about twice as deep as the limit (the parser's rules it does not follow
// only make it err on the shallow side), and a page it refuses is deeper
// than the limit.
func FuzzHTMLDepth(f *testing.F) {
	for _, s := range []string{
		"<div><p>x</div>", "<table><tr><td>x<td>y<tr><th>z", "<b><i><p>x</b>y", "<ul><li>a<li>b<ul><li>c</ul></ul>",
		"<svg><g/><g><path/></g></svg>", "<select><option>a<optgroup><option>b</select>", "<dl><dt>a<dd>b<dt>c",
		"<h1><h2>x</h2></h1>", "<a><div><a>x</a></div></a>", "<p><span/><span/></p>", "<template><tr><td>x</template>",
		"<table><table><table>", "<form><form><div><form>", "<select><select><select>", "<table><caption><table><caption>",
		"<table><col><table><col>", "<colgroup><colgroup>", "<frameset><frameset>", "<textarea><div></textarea>",
		"<table><tr><td><table><tr><td>", "<nobr><nobr>", "<li><p><li><p>", "<b><i></b></i>",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, page string) {
		const limit = 8
		tooDeep := errors.Is(checkDepthLimit(context.Background(), page, limit), ErrTooDeep)
		doc, err := html.Parse(strings.NewReader(page))
		if err != nil {
			return
		}
		// <html> and <body> are not counted by the check.
		d := treeDepth(doc) - 2
		if !tooDeep && d > 2*limit+2 {
			t.Errorf("let through a tree %d deep with limit %d", d, limit)
		}
		if tooDeep && d <= limit {
			t.Errorf("refused a tree %d deep with limit %d", d, limit)
		}
	})
}
