package web

import (
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strconv"

	"assist/kb"
)

// statusOf is the one map from error codes to HTTP statuses.
var statusOf = map[string]int{
	kb.EInvalid:        http.StatusBadRequest,
	kb.ENotFound:       http.StatusNotFound,
	kb.EConflict:       http.StatusConflict,
	kb.EUnauthorized:   http.StatusUnauthorized,
	kb.EForbidden:      http.StatusForbidden,
	kb.ETooMany:        http.StatusTooManyRequests,
	kb.ENotImplemented: http.StatusNotImplemented,
	kb.EInternal:       http.StatusInternalServerError,
}

// errorBody is what every error answer looks like.
type errorBody struct {
	Error  string `json:"error"`
	Reason string `json:"reason"`
}

// errorOf turns err into the code and reason a caller may see: the message of
// a *kb.Error, or a bare "internal error" whose detail goes only to the log.
func errorOf(err error, log *slog.Logger, r *http.Request) errorBody {
	code := kb.ErrorCode(err)
	if code == kb.EInternal {
		log.Error("internal error", "method", r.Method, "path", r.URL.Path, "err", err)
		return errorBody{Error: code, Reason: "internal error; see the server log"}
	}
	return errorBody{Error: code, Reason: err.Error()}
}

func writeError(w http.ResponseWriter, r *http.Request, log *slog.Logger, err error) {
	if errors.Is(err, errAnswered) {
		return
	}
	body := errorOf(err, log, r)
	status, ok := statusOf[body.Error]
	if !ok {
		status = http.StatusInternalServerError
	}
	writeJSON(w, status, body)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		http.Error(w, `{"error":"internal","reason":"cannot encode the answer"}`, http.StatusInternalServerError)
		return
	}
	writeRawJSON(w, status, b)
}

// writeRawJSON sends JSON already encoded, such as a stored suggestion set.
func writeRawJSON(w http.ResponseWriter, status int, b []byte) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	// A length saves chunking a body of a few KiB (a suggestion set).
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	w.Write(b)
}
