package httpapi

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/kith-chat/kith/internal/chat"
	"github.com/kith-chat/kith/internal/identity"
	"github.com/kith-chat/kith/internal/kith"
	"github.com/kith-chat/kith/internal/kithtest"
)

// Fuzz targets for every decoder of what the outside sends: the bodies of
// M1, M2, the widget's session starts and messages, and the socket's first
// frame. Their seeds run as ordinary tests (go test), and each can be
// fuzzed: go test ./internal/httpapi -run '^$' -fuzz FuzzM2Body.
//
// The seeds carry what attacks tried (issue 7): bytes that are not UTF-8,
// unpaired surrogates, keys in other cases and Unicode folds, duplicate
// keys, bidi and zero-width characters, huge nesting.
var hostileSeeds = []string{
	"{\"user_ref\":\"jos\xe9\"}", `{"user_ref":"jos\ud800"}`, `{"User_Ref":"x"}`, `{"uſer_ref":"x"}`,
	`{"user_ref":"a","user_ref":"b"}`, `{"user_ref":"\u202eada"}`, `{"user_ref":"ada\u200b"}`,
	`{"user_ref":"jose\u0301"}`, `{"email":"a\u200b@example.com"}`, `{"display_name":"\u2066x\u2069"}`,
	strings.Repeat(`{"a":`, 3000), `{"user_ref":null}`, `{"user_ref":["x"]}`, `{"user_ref":1e400}`,
	`{"custom_fields":{"tnt__x":{"a":1,"a":2}}}`, "\x00", "", `[]`, `{} {}`,
}

// wantKithError fails the fuzz run unless err is nil or a *kith.Error with
// a code, a 4xx one, whose message repeats nothing of the input that is
// not a key.
func wantKithError(t *testing.T, body []byte, err error) {
	t.Helper()
	if err == nil {
		return
	}
	var e *kith.Error
	if !errors.As(err, &e) || e.Code == "" {
		t.Fatalf("%q: error %v (%T), want a *kith.Error with a code", body, err, err)
	}
	if s := Status(e.Code); s < 400 || s >= 500 {
		t.Fatalf("%q: %v is a %d, want a 4xx for bad input (F1)", body, err, s)
	}
	if !utf8.ValidString(e.Message) || !utf8.ValidString(e.Field) {
		t.Fatalf("%q: the error is not valid UTF-8: %q %q", body, e.Field, e.Message)
	}
}

func FuzzM2Body(f *testing.F) {
	for _, s := range append(hostileSeeds, `{"email":"jane@example.com","name":"Jane","custom_data":{"plan":"pro"}}`,
		`{"email":"JANE@example.com","phone":"+14155550123","language":"pt-BR","avatar_url":"https://a.example/a.png"}`,
		`{"email":"a@b.c","Email":"d@e.f"}`, `{"email":"a@b.com","name":"\u202e"}`) {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		var req m2Request
		err := decodeBytes(body, &req)
		if err == nil {
			var c *identity.Claim
			if c, err = req.claim(); err == nil && (c.User.Email.To == "" || c.Trust != kith.TrustVerified) {
				t.Fatalf("%q: a claim without its verified email: %+v", body, c)
			}
		}
		wantKithError(t, body, err)
	})
}

func FuzzM1Claim(f *testing.F) {
	f.Add([]byte(kithtest.SeedM1Body))
	for _, s := range hostileSeeds {
		f.Add([]byte(`{"rev_info":` + s + `}`))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		var req m1Request
		err := decodeBytes(body, &req)
		if err == nil {
			var c *identity.Claim
			if c, _, err = req.claim(); err == nil {
				if _, refErr := identity.UserRef("user_ref", c.UserRef); refErr != nil {
					t.Fatalf("%q: a claim with a user_ref the rules refuse: %q (%v)", body, c.UserRef, refErr)
				}
			}
		}
		wantKithError(t, body, err)
	})
}

func FuzzSessionStart(f *testing.F) {
	for _, s := range hostileSeeds {
		f.Add([]byte(`{"app_id":"app_x","identity":` + s + `}`))
	}
	for _, s := range []string{`{"app_id":"app_x"}`, `{"app_id":"app_x","workspace_ref":"\u202ews"}`,
		`{"app_id":"app_x","label":"eu","on_login":"claim","device_token":"kith_dev_x_y"}`,
		`{"app_id":"app_x","session_token":"a.b.c","identity":{"user_ref":"u"}}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		var req sessionRequest
		err := decodeBytes(body, &req)
		if err == nil && len(req.Identity) > 0 && string(req.Identity) != "null" {
			var id identityWire
			if err = decodeBytes(req.Identity, &id); err == nil {
				var c *identity.Claim
				if c, err = id.claim(); err == nil && c.Trust != kith.TrustUnverified {
					t.Fatalf("%q: a browser claim that is not unverified: %+v", body, c)
				}
			}
		}
		wantKithError(t, body, err)
	})
}

func FuzzMessageBody(f *testing.F) {
	for _, s := range []string{`{"body":"hello"}`, `{"body":"\u200b\u200b"}`, `{"body":"refund \u202e001$"}`,
		`{"body":"` + strings.Repeat("x", chat.MaxMessageLen+1) + `"}`, "{\"body\":\"\xff\"}", `{"body":"\ud800"}`,
		`{"Body":"x"}`, `{"body":"a","body":"b"}`, `{"body":"👨\u200d👩\u200d👧"}`, `{"body":null}`, `{"body":5}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		var req bodyRequest
		err := decodeBytes(body, &req)
		if err == nil {
			var text string
			if text, err = identity.Message("body", req.Body, chat.MaxMessageLen); err == nil && (text == "" || !utf8.ValidString(text)) {
				t.Fatalf("%q: a message taken that is empty or not UTF-8: %q", body, text)
			}
		}
		wantKithError(t, body, err)
	})
}

func FuzzSocketAuthFrame(f *testing.F) {
	for _, s := range []string{`{"type":"auth","session":"kith_ws_a_b","after":0}`, `{"type":"auth","session":"x","after":-1}`,
		`{"TYPE":"auth"}`, `{"type":"auth","type":"ping"}`, `{"type":"auth","after":1e30}`, `{"type":"auth","session":"\ud800"}`,
		`{"type":"auth","extra":1}`, `"auth"`, `null`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, frame []byte) {
		var hello authMessage
		err := decodeBytes(frame, &hello)
		if err == nil && !utf8.ValidString(hello.Session) {
			t.Fatalf("%q: a session that is not UTF-8 was taken", frame)
		}
		wantKithError(t, frame, err)
	})
}
