package storetest

import (
	"context"
	"testing"

	"github.com/kith-chat/kith/internal/apps"
	"github.com/kith-chat/kith/internal/kith"
)

// NewApp creates an app in a new organization of its own and returns it
// with its first access token (scope sessions).
func NewApp(t testing.TB, s kith.Store, set ...string) (*kith.App, *apps.NewToken) {
	t.Helper()
	svc := &apps.Service{Store: s}
	ctx := context.Background()
	app, tok, err := svc.CreateApp(ctx, "org-"+t.Name()+"-"+randomSuffix(), "test app")
	if err != nil {
		t.Fatalf("create app: %v", err)
	}
	if len(set) > 0 {
		if app, err = svc.UpdateSettings(ctx, app.ID, set); err != nil {
			t.Fatalf("update settings %v: %v", set, err)
		}
	}
	return app, tok
}

// NewField defines a custom field in the app's organization.
func NewField(t testing.TB, s kith.Store, app *kith.App, object kith.Object, name string, typ kith.FieldType, values ...string) {
	t.Helper()
	svc := &apps.Service{Store: s}
	if _, err := svc.CreateField(context.Background(), app.OrgID, object, name, typ, values); err != nil {
		t.Fatalf("define %s field %s: %v", object, name, err)
	}
}

func randomSuffix() string {
	b := make([]byte, 4)
	for i := range b {
		b[i] = "abcdefghijklmnopqrstuvwxyz"[randN(26)]
	}
	return string(b)
}
