package reports_test

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/rcureview/rcureview/reports"
)

// EnvArtifacts names a directory where browser tests leave their
// screenshots (CI can keep it); without it they go to the test's temp dir.
const EnvArtifacts = "RCUREVIEW_ARTIFACTS"

// chromium returns the browser binary, or skips the test.
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{os.Getenv("RCUREVIEW_CHROMIUM"), "chromium", "chromium-browser"} {
		if name == "" {
			continue
		}
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Skip("chromium not installed (apt-get install chromium; .ci/run installs it): browser test skipped")
	return ""
}

// browser starts headless Chromium with a fresh profile and no background
// traffic, and returns a context driving one tab.
func browser(t *testing.T) context.Context {
	t.Helper()
	path := chromium(t)
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("no-default-browser-check", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
	}
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelC := chromedp.NewContext(actx)
	t.Cleanup(func() { cancelC(); cancelA() })
	return ctx
}

// eval evaluates a JavaScript expression in the page.
func eval[T any](t *testing.T, ctx context.Context, expr string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		t.Fatalf("evaluate %s: %v", expr, err)
	}
	return v
}

func artifactDir(t *testing.T) string {
	if d := os.Getenv(EnvArtifacts); d != "" {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		return d
	}
	return t.TempDir()
}

// TestHTMLInBrowser loads the report of the sample series in headless
// Chromium: the page makes no network request, the counterexample renders
// as a table with one column per CPU, and a call chain expands on click.
func TestHTMLInBrowser(t *testing.T) {
	checkInBrowser(t, sampleWithFindings(t), "rcureview-report.png")
}

// TestHTMLRealTreeInBrowser does the same for the series applied to the
// real linux 6.12 git repository and reviewed by the real analyzers, with
// the model's counterexample for patch 2 added.
func TestHTMLRealTreeInBrowser(t *testing.T) {
	chromium(t)
	r := reviewRealTreeAnalyzers(t)
	r.Patches[1].Findings = append(r.Patches[1].Findings, modelFinding(t, r.Patches[1]))
	checkInBrowser(t, r, "rcureview-realtree.png")
}

func checkInBrowser(t *testing.T, r *reports.Report, shotName string) {
	ctx := browser(t)
	var page bytes.Buffer
	if err := reports.WriteHTML(&page, r); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "report.html")
	if err := os.WriteFile(file, page.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}

	var mu sync.Mutex
	var requests []string
	// Listen starts the browser (on the context without a deadline, as
	// chromedp requires); the actions then run under a timeout.
	if err := chromedp.Listen(ctx, func(ev any) {
		if e, ok := ev.(*network.EventRequestWillBeSent); ok {
			mu.Lock()
			requests = append(requests, e.Request.URL)
			mu.Unlock()
		}
	}); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	ctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.Navigate("file://"+file), chromedp.WaitReady(chromedp.CSS("body"))); err != nil {
		t.Fatalf("load %s: %v", file, err)
	}
	title := eval[string](t, ctx, `document.title`)
	tables := eval[int](t, ctx, `document.querySelectorAll("table.trace").length`)
	cpuHeaders := eval[int](t, ctx, `document.querySelectorAll("table.trace thead th").length - 1`)
	traceRows := eval[int](t, ctx, `document.querySelectorAll("table.trace tbody tr").length`)
	tableWidth := eval[float64](t, ctx, `document.querySelector("table.trace").getBoundingClientRect().width`)
	cpu0X := eval[float64](t, ctx, `document.querySelectorAll("table.trace thead th")[1].getBoundingClientRect().left`)
	cpu1X := eval[float64](t, ctx, `document.querySelectorAll("table.trace thead th")[2].getBoundingClientRect().left`)
	firstCell := eval[string](t, ctx, `document.querySelector("table.trace tbody tr:nth-child(3) td:nth-child(2)").innerText`)
	openBefore := eval[bool](t, ctx, `document.querySelector("details.chain").open`)
	// checkVisibility is false for content hidden by a closed <details>
	// (whose layout box may still have a size).
	visibleBefore := eval[bool](t, ctx, `document.querySelector("details.chain li").checkVisibility()`)
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("details.chain summary"))); err != nil {
		t.Fatalf("click the chain: %v", err)
	}
	openAfter := eval[bool](t, ctx, `document.querySelector("details.chain").open`)
	visibleAfter := eval[bool](t, ctx, `document.querySelector("details.chain li").checkVisibility()`)
	hopHeight := eval[float64](t, ctx, `document.querySelector("details.chain li").getBoundingClientRect().height`)
	hops := eval[int](t, ctx, `document.querySelector("details.chain").querySelectorAll("li").length`)

	shot, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	out := filepath.Join(artifactDir(t), shotName)
	if err := os.WriteFile(out, shot, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s (%d bytes)", out, len(shot))

	if !strings.Contains(title, "rcureview") {
		t.Errorf("title %q", title)
	}
	if tables != 1 || cpuHeaders != 2 || traceRows != 6 {
		t.Errorf("trace table: %d tables, %d CPU columns, %d rows; want 1, 2, 6", tables, cpuHeaders, traceRows)
	}
	if tableWidth < 200 || cpu1X <= cpu0X {
		t.Errorf("trace table does not render as columns: width %.0f, CPU 0 at x=%.0f, CPU 1 at x=%.0f", tableWidth, cpu0X, cpu1X)
	}
	if !strings.Contains(firstCell, "hardirq") || !strings.Contains(firstCell, "rcu_exp_handler()") {
		t.Errorf("step 3 CPU 0 cell = %q", firstCell)
	}
	if openBefore || visibleBefore {
		t.Errorf("chain starts expanded (open=%v, first hop visible=%v)", openBefore, visibleBefore)
	}
	if !openAfter || !visibleAfter || hopHeight <= 0 {
		t.Errorf("chain did not expand on click (open=%v, first hop visible=%v, height %.0f)", openAfter, visibleAfter, hopHeight)
	}
	if hops < 2 {
		t.Errorf("expanded chain has %d entries", hops)
	}
	mu.Lock()
	defer mu.Unlock()
	for _, u := range requests {
		if !strings.HasPrefix(u, "file://") && !strings.HasPrefix(u, "data:") {
			t.Errorf("the page fetched %s: it must be self-contained", u)
		}
	}
	if len(requests) == 0 {
		t.Errorf("no request recorded: the network listener did not work")
	}
}
