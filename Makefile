# The commands a developer needs. `make test` is what CI runs (.ci/run).

.PHONY: run test bench check vulncheck generate

run: ## Run the server on ./kith-data/kith.db at http://127.0.0.1:8080
	go run ./cmd/kith serve

test: ## Run every test, with the race detector
	@./scripts/test-notice
	go test -race ./...

bench: ## Run the benchmarks (see docs/benchmarks.md)
	go test ./internal/httpapi -run '^$$' -bench . -benchtime 3s

check: ## Formatting and static analysis, as CI does
	test -z "$$(gofmt -l $$(git ls-files '*.go'))"
	go vet ./...
	go run honnef.co/go/tools/cmd/staticcheck@v0.8.2 ./...

vulncheck: ## govulncheck with a database built from the Go module proxy, as CI does
	go run ./scripts/vulncheck

generate: ## Rebuild the widget bundle from web/widget (esbuild's Go API; no Node needed)
	go generate ./internal/web
