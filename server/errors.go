package server

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/missionsearch/missionsearch"
)

// statusOf maps the code of a missionsearch.Error to its HTTP status. This
// is the only place where error kinds become statuses.
func statusOf(code string) int {
	switch code {
	case missionsearch.EINVALID:
		return http.StatusBadRequest
	case missionsearch.ENOTFOUND:
		return http.StatusNotFound
	case missionsearch.EUNAUTHORIZED:
		return http.StatusUnauthorized
	case missionsearch.EFORBIDDEN:
		return http.StatusForbidden
	case missionsearch.ECONFLICT:
		return http.StatusConflict
	case missionsearch.ETOOMANY:
		return http.StatusTooManyRequests
	case missionsearch.EUNAVAILABLE:
		return http.StatusServiceUnavailable
	default:
		return http.StatusInternalServerError
	}
}

// errTimeout is what a request that ran out of time answers.
var errTimeout = missionsearch.Errorf(missionsearch.EUNAVAILABLE,
	"The request took too long. Please try again, or narrow your search.")

// classify returns the user-facing error for err: err itself when it is a
// *missionsearch.Error, an EUNAVAILABLE error for a timeout, and an
// EINTERNAL error otherwise. internal reports whether err is unexpected and
// must be logged.
func classify(err error) (code, message string, internal bool) {
	var e *missionsearch.Error
	switch {
	case errors.As(err, &e):
		return e.Code, e.Message, e.Code == missionsearch.EINTERNAL
	case errors.Is(err, context.DeadlineExceeded):
		return errTimeout.Code, errTimeout.Message, false
	case errors.Is(err, context.Canceled):
		// The client went away; nobody reads the answer.
		return missionsearch.EUNAVAILABLE, "The request was cancelled.", false
	}
	return missionsearch.EINTERNAL, "Internal error.", true
}

// errorBody is the JSON of every error response.
type errorBody struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// writeError answers r with err as JSON {"error": {"code", "message"}} and
// the status of its code. Internal errors are logged with their details and
// answered with a generic message.
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	code, msg, internal := classify(err)
	if internal {
		s.logger(r).ErrorContext(r.Context(), "request failed", "err", err, "path", r.URL.Path)
	}
	status := statusOf(code)
	h := w.Header()
	h.Set("Cache-Control", "no-store")
	h.Del("ETag")
	if status == http.StatusUnauthorized {
		h.Set("WWW-Authenticate", `Bearer realm="missionsearch"`)
	}
	s.writeJSON(w, r, status, errorBody{errorDetail{Code: code, Message: msg}})
}

// jsonErrors gives the JSON error form to the errors that net/http's
// helpers write in another form (http.Error's plain text, as
// http.ServeContent answers an unsatisfiable range; a bare 412 for a
// failed precondition): a response of status 400 or more that is neither
// JSON nor one of the page's HTML error pages has its body replaced by
// {"error": {"code", "message"}} with the same status.
func (s *Server) jsonErrors(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(&jsonErrorWriter{ResponseWriter: w}, r)
	})
}

type jsonErrorWriter struct {
	http.ResponseWriter
	wrote   bool
	swallow bool // the plain text body of an http.Error is being dropped
}

func (w *jsonErrorWriter) WriteHeader(status int) {
	if w.wrote {
		return
	}
	w.wrote = true
	h := w.Header()
	ct := h.Get("Content-Type")
	if status < 400 || strings.HasPrefix(ct, "application/json") || strings.HasPrefix(ct, "text/html") {
		w.ResponseWriter.WriteHeader(status)
		return
	}
	w.swallow = true
	code := missionsearch.EINVALID
	switch {
	case status == http.StatusNotFound:
		code = missionsearch.ENOTFOUND
	case status == http.StatusTooManyRequests:
		code = missionsearch.ETOOMANY
	case status == http.StatusServiceUnavailable:
		code = missionsearch.EUNAVAILABLE
	case status >= 500:
		code = missionsearch.EINTERNAL
	}
	b, _ := json.Marshal(errorBody{errorDetail{Code: code, Message: http.StatusText(status) + "."}})
	b = append(b, '\n')
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Content-Length", strconv.Itoa(len(b)))
	h.Set("Cache-Control", "no-store")
	w.ResponseWriter.WriteHeader(status)
	w.ResponseWriter.Write(b)
}

func (w *jsonErrorWriter) Write(b []byte) (int, error) {
	if !w.wrote {
		w.WriteHeader(http.StatusOK)
	}
	if w.swallow {
		return len(b), nil
	}
	return w.ResponseWriter.Write(b)
}

func (w *jsonErrorWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
