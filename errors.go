package missionsearch

import (
	"errors"
	"fmt"
)

// Error codes, in the style of benbjohnson/wtf. The server maps each to one
// HTTP status in a single place.
const (
	EINVALID      = "invalid"      // bad input from the caller (400)
	ENOTFOUND     = "not_found"    // no such resource (404)
	EUNAUTHORIZED = "unauthorized" // missing or wrong credentials (401)
	EFORBIDDEN    = "forbidden"    // credentials valid but not allowed (403)
	ECONFLICT     = "conflict"     // the operation clashes with another in progress (409)
	EUNAVAILABLE  = "unavailable"  // not ready, e.g. no index is open yet (503)
	ETOOMANY      = "too_many"     // rate limit exceeded (429)
	EINTERNAL     = "internal"     // a bug or an unexpected failure (500)
)

// Error is an error meant for the end user: Code says what class of failure
// it is and Message says what went wrong in words the user can act on.
// Internal details belong in wrapped errors and logs, not in Message.
type Error struct {
	Code    string
	Message string
}

// Error implements the error interface.
func (e *Error) Error() string {
	return fmt.Sprintf("missionsearch error: code=%s message=%s", e.Code, e.Message)
}

// Errorf returns an *Error with the given code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first *Error in err's chain, "" for a nil
// error and EINTERNAL for any other error.
func ErrorCode(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the message of the first *Error in err's chain, "" for
// a nil error and "Internal error." for any other error, so that internal
// details never reach the user.
func ErrorMessage(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Message
	}
	return "Internal error."
}
