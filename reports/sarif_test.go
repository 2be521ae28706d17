package reports_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/rcureview/rcureview/finding"
	"github.com/rcureview/rcureview/rcumodel"
	"github.com/rcureview/rcureview/reports"
)

const schemaFile = "testdata/sarif-schema-2.1.0.json"

// sarifSchema compiles the official SARIF 2.1.0 schema (draft-04) from
// testdata; nothing is fetched.
func sarifSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	f, err := os.Open(schemaFile)
	if err != nil {
		t.Fatalf("open schema: %v", err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatalf("parse schema: %v", err)
	}
	c := jsonschema.NewCompiler()
	url := "file:///" + filepath.ToSlash(schemaFile)
	if err := c.AddResource(url, doc); err != nil {
		t.Fatalf("add schema: %v", err)
	}
	s, err := c.Compile(url)
	if err != nil {
		t.Fatalf("compile schema: %v", err)
	}
	return s
}

func validateSARIF(t *testing.T, s *jsonschema.Schema, data []byte) {
	t.Helper()
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("sarif output is not JSON: %v", err)
	}
	if err := s.Validate(inst); err != nil {
		t.Fatalf("sarif output does not validate against SARIF 2.1.0:\n%v", err)
	}
}

// TestSchemaRejectsBrokenSARIF makes sure the validation can fail.
func TestSchemaRejectsBrokenSARIF(t *testing.T) {
	s := sarifSchema(t)
	for name, doc := range map[string]string{
		"wrong version":          `{"version":"2.0.0","runs":[]}`,
		"result without message": `{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"x"}},"results":[{"ruleId":"a"}]}]}`,
		"startLine zero":         `{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"x"}},"results":[{"message":{"text":"m"},"locations":[{"physicalLocation":{"artifactLocation":{"uri":"a.c"},"region":{"startLine":0}}}]}]}]}`,
	} {
		inst, _ := jsonschema.UnmarshalJSON(strings.NewReader(doc))
		if err := s.Validate(inst); err == nil {
			t.Errorf("%s: schema accepted %s", name, doc)
		}
	}
}

func sarifOf(t *testing.T, r *reports.Report) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := reports.WriteSARIF(&b, r); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestSARIFValidates validates every kind of report the writer sees:
// the golden files, an empty run, input errors without a location, and a
// real counterexample from the embedded RCU model.
func TestSARIFValidates(t *testing.T) {
	s := sarifSchema(t)
	goldens, _ := filepath.Glob("testdata/golden/*.sarif")
	if len(goldens) == 0 {
		t.Fatal("no golden SARIF files")
	}
	for _, g := range goldens {
		t.Run(filepath.Base(g), func(t *testing.T) {
			data, err := os.ReadFile(g)
			if err != nil {
				t.Fatal(err)
			}
			validateSARIF(t, s, data)
		})
	}
	t.Run("empty report", func(t *testing.T) {
		validateSARIF(t, s, sarifOf(t, &reports.Report{Tool: "rcureview", Version: "test"}))
	})
	t.Run("input error without a location", func(t *testing.T) {
		r := &reports.Report{Tool: "rcureview", Version: "test", Notes: []string{"no kernel tree given"},
			Patches: []*reports.Patch{{Subject: "x.mbox: message 3", Error: "bad header",
				Findings: []finding.Finding{{Rule: finding.RuleInputMail, Severity: finding.Error, Message: "bad header"}}}}}
		validateSARIF(t, s, sarifOf(t, r))
	})
	t.Run("real model counterexample", func(t *testing.T) {
		validateSARIF(t, s, sarifOf(t, modelReport(t)))
	})
}

// modelReport runs an embedded scenario of the RCU model (V10a: an inner
// map freed with no grace period while two flavours of readers use it)
// and reports its violations.
func modelReport(t *testing.T) *reports.Report {
	t.Helper()
	sc, err := rcumodel.Load("V10a-no-gp")
	if err != nil {
		t.Fatalf("load scenario: %v", err)
	}
	res, err := rcumodel.Check(sc, rcumodel.Options{})
	if err != nil {
		t.Fatalf("check scenario: %v", err)
	}
	fs := res.Findings()
	if len(fs) == 0 {
		t.Fatal("the model found no violation in V10a-no-gp")
	}
	for _, f := range fs {
		if f.Trace == nil || len(f.Trace.Steps) == 0 {
			t.Fatalf("model finding without a trace: %+v", f)
		}
	}
	return &reports.Report{Tool: "rcureview", Version: "test", Kernel: reports.Kernel{Source: "embedded:6.12"},
		Patches: []*reports.Patch{{Subject: "model V10a-no-gp", Findings: fs}}}
}

func TestSARIFContent(t *testing.T) {
	r := sampleWithFindings(t)
	var log struct {
		Runs []struct {
			Tool struct {
				Driver struct {
					Rules []struct {
						ID   string
						Help struct{ Text, Markdown string }
					}
				}
			}
			Results []struct {
				RuleID    string
				RuleIndex int
				Level     string
				Locations []struct {
					PhysicalLocation struct {
						ArtifactLocation struct{ URI, URIBaseID string }
						Region           struct{ StartLine int }
					}
				}
				CodeFlows []struct {
					ThreadFlows []struct {
						ID        string
						Locations []struct {
							ExecutionOrder int
							NestingLevel   int
							Location       struct{ Message struct{ Text string } }
						}
					}
				}
			}
		}
	}
	if err := json.Unmarshal(sarifOf(t, r), &log); err != nil {
		t.Fatal(err)
	}
	if len(log.Runs) != 1 {
		t.Fatalf("%d runs, want 1", len(log.Runs))
	}
	run := log.Runs[0]
	if len(run.Tool.Driver.Rules) != len(finding.Rules()) {
		t.Errorf("%d rules, want the catalogue's %d", len(run.Tool.Driver.Rules), len(finding.Rules()))
	}
	for _, ru := range run.Tool.Driver.Rules {
		if !strings.Contains(ru.Help.Text, "How to fix") || !strings.Contains(ru.Help.Markdown, "### Example") {
			t.Errorf("rule %s lacks help text", ru.ID)
		}
	}
	if len(run.Results) != 4 {
		t.Fatalf("%d results, want 4", len(run.Results))
	}
	for _, res := range run.Results {
		if run.Tool.Driver.Rules[res.RuleIndex].ID != res.RuleID {
			t.Errorf("ruleIndex %d does not point at %s", res.RuleIndex, res.RuleID)
		}
	}
	chain := run.Results[1] // findings sort by file and line: rcupdate.h:980, :986, ...
	if chain.RuleID != finding.RuleNotraceInstrumentedCall || chain.Level != "error" {
		t.Fatalf("result 1 is %s/%s", chain.RuleID, chain.Level)
	}
	loc := chain.Locations[0].PhysicalLocation
	if loc.ArtifactLocation.URI != "include/linux/rcupdate.h" || loc.ArtifactLocation.URIBaseID != "KERNEL" || loc.Region.StartLine != 986 {
		t.Errorf("location %+v", loc)
	}
	hops := chain.CodeFlows[0].ThreadFlows[0].Locations
	if len(hops) != 6 || hops[5].NestingLevel != 5 || hops[5].Location.Message.Text != "trace_softirq_raise() [tracepoint]" {
		t.Errorf("chain flow %+v", hops)
	}
	var model = run.Results[2]
	flows := model.CodeFlows[0].ThreadFlows
	if len(flows) != 2 || flows[0].ID != "CPU 0" || flows[1].ID != "CPU 1" {
		t.Fatalf("trace flows %+v", flows)
	}
	if got := flows[1].Locations[0].ExecutionOrder; got != 2 {
		t.Errorf("CPU 1's first step has executionOrder %d, want 2", got)
	}
}

// TestHTMLIsSelfContained: the page loads nothing from elsewhere (the
// browser test checks the same in Chromium when it is installed).
func TestHTMLIsSelfContained(t *testing.T) {
	var b bytes.Buffer
	if err := reports.WriteHTML(&b, sampleWithFindings(t)); err != nil {
		t.Fatal(err)
	}
	page := b.String()
	for _, bad := range []string{"<script", "<link", " src=", "@import", "url("} {
		if strings.Contains(page, bad) {
			t.Errorf("page contains %q", bad)
		}
	}
	for _, want := range []string{`<details class="chain">`, `<table class="trace">`, `<th>CPU 0</th><th>CPU 1</th>`,
		`id="rule-rcu-gp-stall"`, "How to fix", `<a href="#patch-2">`} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q", want)
		}
	}
}
