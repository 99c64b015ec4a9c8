package endpoint

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
)

// CheckReport is what Check found out about the endpoint.
type CheckReport struct {
	Endpoint string `json:"endpoint"` // Config.String(), no key
	Model    string `json:"model"`
	// Reachable: the endpoint answered /models (or, failing that, a chat).
	Reachable bool `json:"reachable"`
	// ModelListed: the model is among those /models lists. Some servers
	// (Azure deployments, llama.cpp) list other names; then only the chat
	// probe tells whether the model works.
	ModelListed bool     `json:"model_listed"`
	Models      []string `json:"models,omitempty"`
	// ChatOK: a chat completion with the model succeeded.
	ChatOK bool `json:"chat_ok"`
	// Format is the strongest response format the endpoint accepted:
	// json_schema (strict structured output), json_object or text.
	Format string `json:"format,omitempty"`
	// StructuredOutput is true when strict json_schema was accepted and the
	// reply followed it.
	StructuredOutput bool          `json:"structured_output"`
	Latency          time.Duration `json:"latency_ns"`
	Problems         []string      `json:"problems,omitempty"`
}

// OK reports whether translation can proceed: the model answered a chat.
func (r CheckReport) OK() bool { return r.Reachable && r.ChatOK }

// probeSchema is a one-field schema the probe asks the model to follow.
var probeSchema = Schema{Name: "probe", JSON: json.RawMessage(`{"type":"object","properties":{"answer":{"type":"string"}},"required":["answer"],"additionalProperties":false}`)}

// Check probes the endpoint: it lists the models, then sends one tiny chat
// request with a strict json_schema (falling back as Complete does). The
// format found is kept for later requests. The returned error is only for
// a canceled context; everything else is reported in the CheckReport.
func (c *Client) Check(ctx context.Context) (CheckReport, error) {
	rep := CheckReport{Endpoint: c.cfg.String(), Model: c.cfg.Model}
	start := time.Now()

	ids, err := c.listModels(ctx)
	switch {
	case ctx.Err() != nil:
		return rep, ctx.Err()
	case err != nil:
		rep.Problems = append(rep.Problems, "list models: "+err.Error())
	default:
		rep.Reachable = true
		rep.Models = ids
		for _, id := range ids {
			if id == c.cfg.Model || strings.TrimPrefix(id, "models/") == c.cfg.Model {
				rep.ModelListed = true
			}
		}
		if !rep.ModelListed {
			rep.Problems = append(rep.Problems, fmt.Sprintf("model %q is not among the %d models the endpoint lists; check BITEXT_MODEL", c.cfg.Model, len(ids)))
		}
	}

	reply, err := c.Complete(ctx, Request{
		System:    `You are a connectivity probe. Reply with the JSON object {"answer": "ok"} and nothing else.`,
		User:      `{"question": "ping"}`,
		Schema:    &probeSchema,
		MaxTokens: 64,
	})
	rep.Latency = time.Since(start)
	if ctx.Err() != nil {
		return rep, ctx.Err()
	}
	if err != nil {
		var e *Error
		if errors.As(err, &e) && e.Status != 0 {
			rep.Reachable = true
		}
		rep.Problems = append(rep.Problems, "chat: "+err.Error())
		return rep, nil
	}
	rep.Reachable, rep.ChatOK = true, true
	rep.Format = reply.Format
	var got struct {
		Answer string `json:"answer"`
	}
	text := strings.TrimSpace(reply.Text)
	parsed := json.Unmarshal([]byte(text), &got) == nil && got.Answer != ""
	rep.StructuredOutput = reply.Format == FormatJSONSchema && parsed
	if !parsed {
		rep.Problems = append(rep.Problems, fmt.Sprintf("reply in %s mode is not the requested JSON (%q); replies will be parsed tolerantly", reply.Format, shorten(text, 80)))
	}
	return rep, nil
}

func (c *Client) listModels(ctx context.Context) ([]string, error) {
	info, err := c.acquire(ctx, 0, 0)
	if err != nil {
		return nil, err
	}
	defer c.sem.release()
	list, err := c.api.ListModels(info.ctx)
	if err != nil {
		return nil, c.classify(ctx, info, err)
	}
	ids := make([]string, 0, len(list.Models))
	for _, m := range list.Models {
		ids = append(ids, m.ID)
	}
	return ids, nil
}

// Preflight checks, before a run pays for anything, that the endpoint can
// serve it: reachable, key accepted, model served. It lists the models
// (which costs nothing); only when the model is not listed (Azure
// deployments and llama.cpp list other names) or the listing is not
// served does it send one tiny chat request.
//
// The error is an *Error. KindAuth, KindNotFound and KindBadRequest from
// the chat are configuration errors: the run must stop before anything is
// marked done (a listing refused with 401/403 decides nothing: some keys
// may chat but not list). An endpoint no connection can be made to (after
// a few tries) is taken to be gone (Unavailable returns it): a run then does everything
// that needs no endpoint, and the translations wait. Other errors (rate
// limits, server errors) are left to the run's retries and are not
// returned.
func (c *Client) Preflight(ctx context.Context) error {
	var ids []string
	var err error
	for try := range 3 {
		ids, err = c.listModels(ctx)
		var e *Error
		if err == nil || ctx.Err() != nil || !errors.As(err, &e) || !e.NoConnection || try == 2 {
			break
		}
		select {
		case <-time.After(time.Duration(try+1) * c.initialWait):
		case <-ctx.Done():
		}
	}
	if ctx.Err() != nil {
		return &Error{Kind: KindCanceled, Message: context.Cause(ctx).Error(), Err: context.Cause(ctx)}
	}
	var e *Error
	if err != nil && errors.As(err, &e) && e.NoConnection {
		gone := &Error{Kind: KindUnavailable, Err: e,
			Message: fmt.Sprintf("cannot connect to %s (%s); check OPENAI_BASE_URL and that the server is running", c.cfg.String(), e.Message)}
		c.away.CompareAndSwap(nil, gone)
		return c.away.Load()
	}
	if err == nil {
		for _, id := range ids {
			if id == c.cfg.Model || strings.TrimPrefix(id, "models/") == c.cfg.Model {
				return nil
			}
		}
	}
	// Not listed, or no listing: one tiny chat tells.
	_, err = c.Complete(ctx, Request{
		System:    "You are a connectivity probe. Reply with the word ok.",
		User:      "ping",
		MaxTokens: 8,
	})
	if err == nil || !errors.As(err, &e) {
		return err
	}
	switch e.Kind {
	case KindAuth, KindNotFound, KindBadRequest, KindUnavailable, KindCanceled:
		return e
	}
	return nil
}

// IsConfigError reports whether err says the endpoint's configuration is
// wrong (a refused key, a model it does not serve, a wrong URL, a refused
// request): nothing will work until the user changes it.
func IsConfigError(err error) bool {
	var e *Error
	if !errors.As(err, &e) {
		return false
	}
	switch e.Kind {
	case KindAuth, KindNotFound, KindBadRequest:
		return true
	}
	return false
}
