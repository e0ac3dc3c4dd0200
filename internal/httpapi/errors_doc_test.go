package httpapi

import (
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// TestDocs_APIListsEveryErrorCodeUnderItsStatus_F1 keeps the error table of
// docs/api.md true to statuses, the one table the server answers from: a
// developer reading it must find every code, under the status it comes with.
func TestDocs_APIListsEveryErrorCodeUnderItsStatus_F1(t *testing.T) {
	doc, err := os.ReadFile("../../docs/api.md")
	if err != nil {
		t.Fatal(err)
	}
	_, errorsSection, ok := strings.Cut(string(doc), "\n## Errors")
	if !ok {
		t.Fatal("docs/api.md has no Errors section")
	}
	listed := map[string]int{}
	row := regexp.MustCompile(`(?m)^\| (\d{3}) \| (.*) \|$`)
	code := regexp.MustCompile("`([a-z_]+)`")
	for _, m := range row.FindAllStringSubmatch(errorsSection, -1) {
		status, _ := strconv.Atoi(m[1])
		for _, c := range code.FindAllStringSubmatch(m[2], -1) {
			listed[c[1]] = status
		}
	}
	for c, status := range statuses {
		if got, ok := listed[string(c)]; !ok {
			t.Errorf("docs/api.md does not list the error code %s (%d)", c, status)
		} else if got != status {
			t.Errorf("docs/api.md lists %s under %d; the server answers it with %d", c, got, status)
		}
	}
}
