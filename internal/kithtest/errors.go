package kithtest

import (
	"errors"
	"testing"

	"github.com/kith-chat/kith/internal/kith"
)

// WantError fails the test unless err is a *kith.Error with code and
// field: the two things a client of Kith acts on.
func WantError(t testing.TB, err error, code kith.Code, field string) {
	t.Helper()
	var e *kith.Error
	if !errors.As(err, &e) {
		t.Fatalf("error = %v (%T), want a *kith.Error with code %s and field %q", err, err, code, field)
	}
	if e.Code != code || e.Field != field {
		t.Fatalf("error = %v; want code %s and field %q", err, code, field)
	}
}
