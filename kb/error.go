package kb

import (
	"errors"
	"fmt"
)

// Error codes, one per way a caller should react. web maps them to HTTP statuses.
const (
	EInvalid      = "invalid"
	ENotFound     = "not_found"
	EConflict     = "conflict"
	EUnauthorized = "unauthorized"
	EForbidden    = "forbidden"
	ETooMany      = "too_many_requests"
	// ENotImplemented: this deployment does not offer it (a store without
	// the feature), not a fault of the request.
	ENotImplemented = "not_implemented"
	EInternal       = "internal"
)

// Error is an error a person can act on: a code and a message.
type Error struct {
	Code    string
	Message string
}

func (e *Error) Error() string { return e.Message }

// Errorf builds an *Error with the given code.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first *Error in err's chain, EInternal for
// any other error and "" for nil.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EInternal
}
