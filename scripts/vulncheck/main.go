// Command vulncheck runs govulncheck on Kith with a vulnerability database
// built on this machine, since CI reaches the Go module proxy but not
// vuln.go.dev: the database is golang.org/x/vulndb's OSV files, from the
// proxy, indexed by that module's own indexdb. It fails when Kith calls a
// vulnerable function of a module it requires, which go.mod can fix; a
// vulnerability of the standard library is fixed by the Go that builds
// Kith, so it is reported with the version to build release binaries with.
//
//	go run ./scripts/vulncheck
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
)

// The versions of the tools and of the database, pinned so that CI is
// repeatable; move them forward together.
const (
	govulncheck = "golang.org/x/vuln/cmd/govulncheck@v1.9.0"
	vulndb      = "golang.org/x/vulndb"
	vulndbAt    = "v0.0.0-20261105234957-e22db6528018"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "vulncheck:", err)
		os.Exit(1)
	}
}

func run() error {
	db, err := database()
	if err != nil {
		return err
	}
	cmd := exec.Command("go", "run", govulncheck, "-db", "file://"+db, "-format", "json", "./...")
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		return fmt.Errorf("govulncheck: %w", err)
	}
	called, err := calledFindings(bytes.NewReader(out))
	if err != nil {
		return err
	}
	var modules, stdlib []string
	goFix := ""
	for _, f := range called {
		line := fmt.Sprintf("%s in %s (fixed in %s): %s", f.OSV, f.Trace[0].Module, f.FixedVersion, f.Trace[len(f.Trace)-1].where())
		if f.Trace[0].Module == "stdlib" {
			stdlib = append(stdlib, line)
			if newer(f.FixedVersion, goFix) {
				goFix = f.FixedVersion
			}
			continue
		}
		modules = append(modules, line)
	}
	slices.Sort(stdlib)
	slices.Sort(modules)
	for _, l := range stdlib {
		fmt.Println("standard library:", l)
	}
	if len(stdlib) > 0 {
		fmt.Printf("The Go that builds Kith has %d vulnerabilities Kith reaches: build release binaries with Go %s or later.\n",
			len(stdlib), strings.TrimPrefix(goFix, "v"))
	}
	for _, l := range modules {
		fmt.Println("module:", l)
	}
	if len(modules) > 0 {
		return fmt.Errorf("%d vulnerabilities in required modules that Kith calls: upgrade them in go.mod", len(modules))
	}
	fmt.Println("No vulnerability in a required module is reached.")
	return nil
}

// database returns the directory of an indexed vulnerability database,
// building it once per vulndb version in the Go build cache.
func database() (string, error) {
	cache, err := exec.Command("go", "env", "GOCACHE").Output()
	if err != nil {
		return "", err
	}
	dir := filepath.Join(strings.TrimSpace(string(cache)), "kith-vulndb", vulndbAt)
	if _, err := os.Stat(filepath.Join(dir, "index", "db.json")); err == nil {
		return dir, nil
	}
	src, err := exec.Command("go", "mod", "download", "-json", vulndb+"@"+vulndbAt).Output()
	if err != nil {
		return "", fmt.Errorf("download %s: %w", vulndb, err)
	}
	var mod struct{ Dir string }
	if err := json.Unmarshal(src, &mod); err != nil || mod.Dir == "" {
		return "", fmt.Errorf("download %s: no directory in %s", vulndb, src)
	}
	tmp := dir + ".tmp"
	os.RemoveAll(tmp)
	index := exec.Command("go", "run", vulndb+"/cmd/indexdb@"+vulndbAt,
		"-vulns", filepath.Join(mod.Dir, "data", "osv"), "-out", tmp)
	index.Env = append(os.Environ(), "GOFLAGS=-mod=mod")
	index.Stdout, index.Stderr = os.Stderr, os.Stderr
	if err := index.Run(); err != nil {
		return "", fmt.Errorf("index the vulnerability database: %w", err)
	}
	return dir, os.Rename(tmp, dir)
}

// newer reports whether version a (v1.26.10) is after b, comparing the
// numbers, not the text.
func newer(a, b string) bool {
	pa, pb := strings.Split(strings.TrimPrefix(a, "v"), "."), strings.Split(strings.TrimPrefix(b, "v"), ".")
	for i := range max(len(pa), len(pb)) {
		var x, y int
		if i < len(pa) {
			fmt.Sscan(pa[i], &x)
		}
		if i < len(pb) {
			fmt.Sscan(pb[i], &y)
		}
		if x != y {
			return x > y
		}
	}
	return false
}

// finding is one finding of govulncheck's JSON output.
type finding struct {
	OSV          string  `json:"osv"`
	FixedVersion string  `json:"fixed_version"`
	Trace        []frame `json:"trace"`
}

type frame struct {
	Module   string `json:"module"`
	Package  string `json:"package"`
	Function string `json:"function"`
	Position *struct {
		Filename string `json:"filename"`
		Line     int    `json:"line"`
	} `json:"position"`
}

func (f frame) where() string {
	s := f.Package + "." + f.Function
	if f.Position != nil {
		s += fmt.Sprintf(" (%s:%d)", f.Position.Filename, f.Position.Line)
	}
	return s
}

// calledFindings reads govulncheck's stream of JSON messages and keeps the
// findings whose trace reaches a function: those Kith calls.
func calledFindings(r io.Reader) ([]finding, error) {
	dec := json.NewDecoder(bufio.NewReader(r))
	seen := map[string]bool{}
	var out []finding
	for {
		var msg struct {
			Finding *finding `json:"finding"`
		}
		if err := dec.Decode(&msg); err == io.EOF {
			return out, nil
		} else if err != nil {
			return nil, fmt.Errorf("read govulncheck's output: %w", err)
		}
		f := msg.Finding
		if f == nil || len(f.Trace) == 0 || f.Trace[0].Function == "" || seen[f.OSV] {
			continue
		}
		seen[f.OSV] = true
		out = append(out, *f)
	}
}
