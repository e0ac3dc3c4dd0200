package kithtest

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestSeedM1Body_IsTheSeedsCurlBody checks SeedM1Body against the DevRev
// seed itself, where the seeds are checked out beside the repository.
func TestSeedM1Body_IsTheSeedsCurlBody_M1(t *testing.T) {
	paths, _ := filepath.Glob("../../../shared/seeds/001_*.txt")
	if len(paths) == 0 {
		t.Skip("the seeds (../shared/seeds) are not beside this checkout")
	}
	doc, err := os.ReadFile(paths[0])
	if err != nil {
		t.Fatal(err)
	}
	// The seed numbers its lines: "5 --data-raw '{" ... "33 }'".
	var lines []string
	in := false
	for _, l := range strings.Split(string(doc), "\n") {
		l = regexp.MustCompile(`^\d+ `).ReplaceAllString(l, "")
		if rest, ok := strings.CutPrefix(l, "--data-raw '"); ok {
			in, l = true, rest
		}
		if !in {
			continue
		}
		if body, ok := strings.CutSuffix(l, "'"); ok {
			lines = append(lines, body)
			break
		}
		lines = append(lines, l)
	}
	if got := strings.Join(lines, "\n"); got != SeedM1Body {
		t.Fatalf("SeedM1Body differs from the seed's --data-raw body:\n%s", got)
	}
}
