package server

import (
	"context"
	"errors"
	"net/http"

	"missionsearch"
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
