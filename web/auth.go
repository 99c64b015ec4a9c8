package web

import (
	"bufio"
	"crypto/rand"
	"crypto/subtle"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
	"unicode"
)

// Users are the people who may use a server: a name and a secret token
// each. Read them with ParseUsers.
type Users struct {
	byName map[string]string // name → token
}

// minToken is the shortest token accepted (in bytes).
const minToken = 16

// ParseUsers reads a users file: one user a line, "NAME TOKEN" (blank
// lines and lines starting with # are skipped). Names are letters, digits,
// '.', '-', '_' and '@'; tokens at least 16 characters without spaces.
// name is the file's name for errors.
func ParseUsers(r io.Reader, name string) (*Users, error) {
	u := &Users{byName: map[string]string{}}
	tokens := map[string]string{}
	sc := bufio.NewScanner(r)
	line := 0
	for sc.Scan() {
		line++
		text := strings.TrimSpace(sc.Text())
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		f := strings.Fields(text)
		if len(f) != 2 {
			return nil, fmt.Errorf("%s line %d: want \"NAME TOKEN\", got %d fields", name, line, len(f))
		}
		if !validName(f[0]) {
			return nil, fmt.Errorf("%s line %d: user name %q: use letters, digits, '.', '-', '_' or '@'", name, line, f[0])
		}
		if len(f[1]) < minToken {
			return nil, fmt.Errorf("%s line %d: the token of %s is %d characters; give at least %d (for instance: head -c 24 /dev/urandom | base64)", name, line, f[0], len(f[1]), minToken)
		}
		if _, dup := u.byName[f[0]]; dup {
			return nil, fmt.Errorf("%s line %d: user %s is listed twice", name, line, f[0])
		}
		if other, dup := tokens[f[1]]; dup {
			return nil, fmt.Errorf("%s line %d: %s has the same token as %s; give each user their own", name, line, f[0], other)
		}
		u.byName[f[0]], tokens[f[1]] = f[1], f[0]
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if len(u.byName) == 0 {
		return nil, fmt.Errorf("%s: no users (one a line: NAME TOKEN)", name)
	}
	return u, nil
}

func validName(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for _, r := range s {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) && !strings.ContainsRune(".-_@", r) {
			return false
		}
	}
	return true
}

// check returns the user whose token this is ("" when none), comparing
// in constant time.
func (u *Users) check(name, token string) bool {
	want, ok := u.byName[name]
	return ok && subtle.ConstantTimeCompare([]byte(want), []byte(token)) == 1
}

// byToken returns the user a bearer token belongs to.
func (u *Users) byToken(token string) (string, bool) {
	found := ""
	for name, t := range u.byName {
		if subtle.ConstantTimeCompare([]byte(t), []byte(token)) == 1 {
			found = name
		}
	}
	return found, found != ""
}

// Len returns the number of users.
func (u *Users) Len() int { return len(u.byName) }

// user is who makes a request.
type user struct {
	name string
	sess *session // nil: a bearer token (no CSRF token needed)
}

// session is a browser's sign-in, kept in memory: a server restart signs
// everyone out.
type session struct {
	id, csrf string
	user     string // "" before sign-in
	expires  time.Time
}

const (
	sessionCookie = "bitext_session"
	sessionTTL    = 12 * time.Hour
	csrfHeader    = "X-CSRF-Token"
	// maxSessions bounds the sessions kept in memory.
	maxSessions = 10000
)

type sessions struct {
	mu  sync.Mutex
	m   map[string]*session
	now func() time.Time
}

func newSessions(now func() time.Time) *sessions {
	return &sessions{m: map[string]*session{}, now: now}
}

func randomToken() string { return rand.Text() + rand.Text() }

// start makes a new session for name (maybe "").
func (ss *sessions) start(name string) *session {
	s := &session{id: randomToken(), csrf: randomToken(), user: name, expires: ss.now().Add(sessionTTL)}
	ss.mu.Lock()
	defer ss.mu.Unlock()
	if len(ss.m) >= maxSessions {
		// Full (a script without a cookie jar starts a session per
		// request): drop the expired sessions, or else the one idle
		// longest.
		now := ss.now()
		var oldest *session
		for id, o := range ss.m {
			if o.expires.Before(now) {
				delete(ss.m, id)
			} else if oldest == nil || o.expires.Before(oldest.expires) {
				oldest = o
			}
		}
		if len(ss.m) >= maxSessions && oldest != nil {
			delete(ss.m, oldest.id)
		}
	}
	ss.m[s.id] = s
	return s
}

// get returns the live session of a request, extending it.
func (ss *sessions) get(r *http.Request) *session {
	c, err := r.Cookie(sessionCookie)
	if err != nil {
		return nil
	}
	ss.mu.Lock()
	defer ss.mu.Unlock()
	s := ss.m[c.Value]
	if s == nil {
		return nil
	}
	now := ss.now()
	if s.expires.Before(now) {
		delete(ss.m, s.id)
		return nil
	}
	s.expires = now.Add(sessionTTL)
	return s
}

func (ss *sessions) end(id string) {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	delete(ss.m, id)
}

func setSessionCookie(w http.ResponseWriter, r *http.Request, s *session) {
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: s.id, Path: "/", HttpOnly: true,
		SameSite: http.SameSiteStrictMode, Secure: r.TLS != nil, MaxAge: int(sessionTTL / time.Second)})
}

// errAuth: no user could be told (no session, no valid token).
var errAuth = errors.New("sign in first")

// errCSRF: a state change without the session's CSRF token.
var errCSRF = errors.New("missing or wrong CSRF token: reload the page (scripts: GET /api/session and send its csrf as the X-CSRF-Token header, or use a bearer token)")

// errHost: a request for a host name this server does not answer.
var errHost = errors.New("this server answers only on loopback host names (localhost, 127.0.0.1, ::1) without --auth")

// identify tells who makes a request, starting a session where the server
// has no users. It checks the host name (without users: loopback only, so
// that a page elsewhere cannot reach the server through DNS rebinding) and,
// for a state change with a session cookie, the CSRF token.
func (s *Server) identify(w http.ResponseWriter, r *http.Request) (*user, error) {
	if s.cfg.Users == nil && !loopbackHost(r.Host) {
		return nil, errHost
	}
	if h := r.Header.Get("Authorization"); h != "" {
		token, ok := strings.CutPrefix(h, "Bearer ")
		if !ok || s.cfg.Users == nil {
			return nil, fmt.Errorf("%w: bearer tokens need a server started with --auth", errAuth)
		}
		name, ok := s.cfg.Users.byToken(strings.TrimSpace(token))
		if !ok {
			return nil, fmt.Errorf("%w: unknown token", errAuth)
		}
		return &user{name: name}, nil
	}
	sess := s.sessions.get(r)
	if sess == nil || sess.user == "" {
		if s.cfg.Users != nil || r.Method != http.MethodGet && r.Method != http.MethodHead {
			return nil, errAuth
		}
		sess = s.sessions.start(s.cfg.User)
		setSessionCookie(w, r, sess)
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		token := r.Header.Get(csrfHeader)
		if token == "" && r.Header.Get("Content-Type") == "application/x-www-form-urlencoded" {
			token = r.PostFormValue("csrf") // a plain form (sign out without scripts)
		}
		if subtle.ConstantTimeCompare([]byte(token), []byte(sess.csrf)) != 1 {
			return nil, errCSRF
		}
	}
	return &user{name: sess.user, sess: sess}, nil
}

// loopbackHost tells whether a Host header names this machine's loopback.
func loopbackHost(hostport string) bool {
	host := hostport
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		host = h
	}
	host = strings.Trim(host, "[]")
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// loginPage shows the sign-in form (a server without users needs none).
func (s *Server) loginPage(w http.ResponseWriter, r *http.Request) {
	if s.cfg.Users == nil {
		http.Redirect(w, r, "/docs", http.StatusSeeOther)
		return
	}
	sess := s.sessions.get(r)
	if sess == nil {
		sess = s.sessions.start("")
		setSessionCookie(w, r, sess)
	}
	s.render(w, r, http.StatusOK, "login", &user{sess: sess}, map[string]any{"Next": safeNext(r.URL.Query().Get("next")), "Error": ""})
}

// login signs a user in with name and token, in a new session.
func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	if s.cfg.Users == nil {
		http.Redirect(w, r, "/docs", http.StatusSeeOther)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	sess := s.sessions.get(r)
	if err := r.ParseForm(); err != nil || sess == nil ||
		subtle.ConstantTimeCompare([]byte(r.PostForm.Get("csrf")), []byte(sess.csrf)) != 1 {
		s.fail(w, r, nil, errCSRF)
		return
	}
	name, token := strings.TrimSpace(r.PostForm.Get("name")), strings.TrimSpace(r.PostForm.Get("token"))
	next := safeNext(r.PostForm.Get("next"))
	if !s.cfg.Users.check(name, token) {
		s.log.Warn("sign-in refused", "user", name, "remote", r.RemoteAddr)
		s.render(w, r, http.StatusForbidden, "login", &user{sess: sess}, map[string]any{"Next": next, "Error": "Unknown user or wrong token."})
		return
	}
	s.sessions.end(sess.id)
	setSessionCookie(w, r, s.sessions.start(name))
	s.log.Info("signed in", "user", name, "remote", r.RemoteAddr)
	http.Redirect(w, r, next, http.StatusSeeOther)
}

// logout ends the session.
func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	u, err := s.identify(w, r)
	if err != nil {
		s.fail(w, r, nil, err)
		return
	}
	if u.sess != nil {
		s.sessions.end(u.sess.id)
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteStrictMode})
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

// safeNext keeps a redirect target on this server.
func safeNext(next string) string {
	u, err := url.Parse(next)
	// Browsers read a backslash as a slash: "/\host" leaves the server.
	if next == "" || err != nil || u.IsAbs() || u.Host != "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") ||
		strings.ContainsRune(next, '\\') {
		return "/docs"
	}
	return next
}
