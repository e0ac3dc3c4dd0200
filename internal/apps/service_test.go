package apps_test

import (
	"context"
	"sync"
	"testing"

	"github.com/kith-chat/kith/internal/apps"
	"github.com/kith-chat/kith/internal/store"
	"github.com/kith-chat/kith/internal/storetest"
)

func TestEnsureApp_MakesOneAppForManyStartingProcesses(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		svc := &apps.Service{Store: s}
		var wg sync.WaitGroup
		made := make(chan string, 8)
		for range 8 {
			wg.Go(func() {
				app, err := svc.EnsureApp(context.Background())
				if err != nil {
					t.Error(err)
				}
				if app != nil {
					made <- app.ID
				}
			})
		}
		wg.Wait()
		close(made)
		if len(made) != 1 {
			t.Fatalf("%d starts made an app, want exactly one", len(made))
		}
		all, err := s.Apps(context.Background(), "")
		if err != nil || len(all) != 1 {
			t.Fatalf("apps = %d, %v; want 1", len(all), err)
		}
		demo, err := svc.DemoApp(context.Background())
		if err != nil || demo.ID != all[0].ID {
			t.Fatalf("DemoApp = %v, %v; want the app made", demo, err)
		}
	})
}
