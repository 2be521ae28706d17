package reports

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/rcureview/rcureview/finding"
	"github.com/rcureview/rcureview/ruledoc"
)

// SARIF 2.1.0 (OASIS) as far as rcureview uses it: one run, the rule
// catalogue with help text, results located in the patched tree, codeFlows
// for call chains (one thread flow, one location per hop) and for model
// counterexamples (one thread flow per CPU, steps ordered by
// executionOrder). Tests validate the output against the official schema
// in testdata/sarif-schema-2.1.0.json.

const (
	sarifVersion = "2.1.0"
	sarifSchema  = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
	// sarifBase is the uriBaseId of every file: the kernel tree reviewed.
	sarifBase = "KERNEL"
)

type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool               sarifTool                        `json:"tool"`
	AutomationDetails  *sarifAutomation                 `json:"automationDetails,omitempty"`
	Invocations        []sarifInvocation                `json:"invocations"`
	OriginalURIBaseIDs map[string]sarifArtifactLocation `json:"originalUriBaseIds"`
	Results            []sarifResult                    `json:"results"`
	Properties         map[string]any                   `json:"properties,omitempty"`
}

// sarifAutomation is runAutomationDetails: id is "category/instance";
// code-scanning services keep the analyses of different categories apart.
type sarifAutomation struct {
	ID string `json:"id"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name           string      `json:"name"`
	Version        string      `json:"version,omitempty"`
	InformationURI string      `json:"informationUri,omitempty"`
	Rules          []sarifRule `json:"rules"`
}

type sarifRule struct {
	ID                   string          `json:"id"`
	Name                 string          `json:"name"`
	ShortDescription     sarifText       `json:"shortDescription"`
	FullDescription      sarifText       `json:"fullDescription"`
	Help                 sarifMultiText  `json:"help"`
	DefaultConfiguration sarifRuleConfig `json:"defaultConfiguration"`
	Properties           map[string]any  `json:"properties,omitempty"`
}

type sarifText struct {
	Text string `json:"text"`
}

type sarifMultiText struct {
	Text     string `json:"text"`
	Markdown string `json:"markdown,omitempty"`
}

type sarifRuleConfig struct {
	Level string `json:"level"`
}

type sarifInvocation struct {
	ExecutionSuccessful        bool                `json:"executionSuccessful"`
	ToolExecutionNotifications []sarifNotification `json:"toolExecutionNotifications,omitempty"`
}

type sarifNotification struct {
	Level   string    `json:"level"`
	Message sarifText `json:"message"`
}

type sarifArtifactLocation struct {
	URI         string     `json:"uri,omitempty"`
	URIBaseID   string     `json:"uriBaseId,omitempty"`
	Description *sarifText `json:"description,omitempty"`
}

type sarifResult struct {
	RuleID              string            `json:"ruleId"`
	RuleIndex           int               `json:"ruleIndex"`
	Level               string            `json:"level"`
	Message             sarifText         `json:"message"`
	Locations           []sarifLocation   `json:"locations,omitempty"`
	CodeFlows           []sarifCodeFlow   `json:"codeFlows,omitempty"`
	PartialFingerprints map[string]string `json:"partialFingerprints"`
	BaselineState       string            `json:"baselineState,omitempty"`
	Properties          map[string]any    `json:"properties"`
}

type sarifLocation struct {
	PhysicalLocation *sarifPhysical `json:"physicalLocation,omitempty"`
	LogicalLocations []sarifLogical `json:"logicalLocations,omitempty"`
	Message          *sarifText     `json:"message,omitempty"`
}

type sarifPhysical struct {
	ArtifactLocation sarifArtifactLocation `json:"artifactLocation"`
	Region           *sarifRegion          `json:"region,omitempty"`
}

type sarifRegion struct {
	StartLine int        `json:"startLine"`
	Snippet   *sarifText `json:"snippet,omitempty"`
}

type sarifLogical struct {
	Name string `json:"name"`
	Kind string `json:"kind"`
}

type sarifCodeFlow struct {
	Message     sarifText         `json:"message"`
	ThreadFlows []sarifThreadFlow `json:"threadFlows"`
}

type sarifThreadFlow struct {
	ID        string                    `json:"id,omitempty"`
	Message   *sarifText                `json:"message,omitempty"`
	Locations []sarifThreadFlowLocation `json:"locations"`
}

type sarifThreadFlowLocation struct {
	Location       sarifLocation `json:"location"`
	NestingLevel   *int          `json:"nestingLevel,omitempty"`
	ExecutionOrder int           `json:"executionOrder,omitempty"`
	Kinds          []string      `json:"kinds,omitempty"`
}

// WriteSARIF writes the report as one SARIF 2.1.0 log with one run.
func WriteSARIF(w io.Writer, r *Report) error {
	r.Normalize()
	log := sarifLog{Schema: sarifSchema, Version: sarifVersion, Runs: []sarifRun{buildRun(r)}}
	if err := encodeJSON(w, log); err != nil {
		return fmt.Errorf("encode sarif: %w", err)
	}
	return nil
}

func buildRun(r *Report) sarifRun {
	docs := ruledoc.All()
	index := map[string]int{}
	run := sarifRun{
		Tool: sarifTool{Driver: sarifDriver{Name: r.Tool, Version: r.Version}},
		OriginalURIBaseIDs: map[string]sarifArtifactLocation{
			sarifBase: baseLocation(r.Kernel.Source),
		},
		Results: []sarifResult{},
		Properties: map[string]any{
			"kernel": map[string]string{"source": r.Kernel.Source, "config": r.Kernel.Config},
		},
	}
	if run.Tool.Driver.Name == "" {
		run.Tool.Driver.Name = "rcureview"
	}
	run.AutomationDetails = &sarifAutomation{ID: automationID(r)}
	for i, d := range docs {
		index[d.ID] = i
		run.Tool.Driver.Rules = append(run.Tool.Driver.Rules, sarifRule{
			ID:                   d.ID,
			Name:                 ruleName(d.ID),
			ShortDescription:     sarifText{Text: d.Summary},
			FullDescription:      sarifText{Text: orText(d.Meaning, d.Summary)},
			Help:                 sarifMultiText{Text: d.Text(), Markdown: d.Markdown()},
			DefaultConfiguration: sarifRuleConfig{Level: sarifLevel(d.Severity)},
			Properties:           map[string]any{"tags": ruleTags(d.ID)},
		})
	}
	inv := sarifInvocation{ExecutionSuccessful: true}
	for _, n := range r.Notes {
		inv.ToolExecutionNotifications = append(inv.ToolExecutionNotifications,
			sarifNotification{Level: "note", Message: sarifText{Text: n}})
	}
	run.Invocations = []sarifInvocation{inv}
	for _, p := range r.Patches {
		for _, f := range p.Findings {
			res := sarifFinding(p, f, index)
			if r.Baseline != "" {
				res.BaselineState = "new"
				if f.Status == finding.StatusUnchanged {
					res.BaselineState = "unchanged"
				}
			}
			run.Results = append(run.Results, res)
		}
	}
	return run
}

// automationID is "rcureview/COMMAND/INSTANCE": the category names the
// command (review, check), the instance is derived from what was
// reviewed (kernel source and the patches' Message-IDs or subjects), so
// that the same review gives the same id.
func automationID(r *Report) string {
	cat := r.Category
	if cat == "" {
		cat = "review"
	}
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s", r.Kernel.Source, r.Kernel.Config)
	for _, p := range r.Patches {
		id := p.MessageID
		if id == "" {
			id = p.Subject
		}
		fmt.Fprintf(h, "\x00%s", id)
	}
	tool := r.Tool
	if tool == "" {
		tool = "rcureview"
	}
	return tool + "/" + cat + "/" + hex.EncodeToString(h.Sum(nil))[:16]
}

func baseLocation(src string) sarifArtifactLocation {
	loc := sarifArtifactLocation{Description: &sarifText{Text: "the kernel tree reviewed, with the patches applied: " + src}}
	if strings.HasPrefix(src, "tree:") {
		if p := strings.TrimPrefix(src, "tree:"); filepath.IsAbs(p) {
			loc.URI = "file://" + filepath.ToSlash(p) + "/"
		}
	}
	return loc
}

func sarifFinding(p *Patch, f finding.Finding, index map[string]int) sarifResult {
	res := sarifResult{
		RuleID:    f.Rule,
		RuleIndex: -1,
		Level:     sarifLevel(f.Severity),
		Message:   sarifText{Text: oneLine(f.Message)},
		PartialFingerprints: map[string]string{
			sarifFingerprintKey: finding.Fingerprint(f),
		},
		Properties: map[string]any{
			"status": string(f.Status),
			"patch": map[string]any{
				"subject": p.Subject, "messageId": p.MessageID, "series": p.Series,
				"index": p.Index, "total": p.Total, "applied": p.Applied,
			},
		},
	}
	if i, ok := index[f.Rule]; ok {
		res.RuleIndex = i
	}
	if res.Message.Text == "" {
		res.Message.Text = f.Rule
	}
	if f.Sink != "" {
		res.Properties["sink"] = f.Sink
	}
	if len(f.Config) > 0 {
		res.Properties["config"] = f.Config
	}
	if len(f.Paths) > 1 {
		res.Properties["paths"] = len(f.Paths)
	}
	if f.HunksOnly {
		res.Properties["hunksOnly"] = true
	}
	if loc, ok := findingLocation(f); ok {
		res.Locations = []sarifLocation{loc}
	}
	if len(f.Chain) > 0 {
		res.CodeFlows = append(res.CodeFlows, chainFlow(f))
	}
	if f.Trace != nil && len(f.Trace.Steps) > 0 {
		res.CodeFlows = append(res.CodeFlows, traceFlow(f.Trace))
	}
	return res
}

func findingLocation(f finding.Finding) (sarifLocation, bool) {
	if f.File == "" {
		return sarifLocation{}, false
	}
	loc := sarifLocation{PhysicalLocation: physical(f.File, f.Line)}
	if f.Source != "" && loc.PhysicalLocation.Region != nil {
		loc.PhysicalLocation.Region.Snippet = &sarifText{Text: strings.TrimPrefix(f.Source, "+")}
	}
	if f.Function != "" {
		loc.LogicalLocations = []sarifLogical{{Name: f.Function, Kind: "function"}}
	}
	return loc, true
}

func physical(file string, line int) *sarifPhysical {
	p := &sarifPhysical{ArtifactLocation: sarifArtifactLocation{URI: filepath.ToSlash(file), URIBaseID: sarifBase}}
	if line > 0 {
		p.Region = &sarifRegion{StartLine: line}
	}
	return p
}

// chainFlow is the call chain as one thread flow: the root, then one
// location per hop, nested one level deeper per call.
func chainFlow(f finding.Finding) sarifCodeFlow {
	tf := sarifThreadFlow{}
	level := 0
	if f.Function != "" && !f.ChainShowsRoot() {
		root := sarifLocation{Message: &sarifText{Text: f.Function + "()"}}
		if f.File != "" {
			root.PhysicalLocation = physical(f.File, f.Line)
		}
		root.LogicalLocations = []sarifLogical{{Name: f.Function, Kind: "function"}}
		l := level
		tf.Locations = append(tf.Locations, sarifThreadFlowLocation{Location: root, NestingLevel: &l, Kinds: []string{"call"}})
		level++
	}
	for _, h := range f.Chain {
		text := h.Function + "()"
		if h.Why != "" {
			text += " [" + h.Why + "]"
		}
		loc := sarifLocation{Message: &sarifText{Text: text}}
		if h.File != "" {
			loc.PhysicalLocation = physical(h.File, h.Line)
		}
		if h.Function != "" {
			loc.LogicalLocations = []sarifLogical{{Name: h.Function, Kind: "function"}}
		}
		l := level
		tf.Locations = append(tf.Locations, sarifThreadFlowLocation{Location: loc, NestingLevel: &l, Kinds: []string{"call"}})
		level++
	}
	return sarifCodeFlow{Message: sarifText{Text: "call chain: " + chainText(f)}, ThreadFlows: []sarifThreadFlow{tf}}
}

// traceFlow is a model counterexample: one thread flow per CPU, each step
// in its CPU's flow with its global position as executionOrder.
func traceFlow(t *finding.Trace) sarifCodeFlow {
	headers, column := traceColumns(t)
	flows := make([]sarifThreadFlow, len(headers))
	for c, h := range headers {
		flows[c] = sarifThreadFlow{ID: h, Message: &sarifText{Text: h}}
	}
	for i, s := range t.Steps {
		c := column(s)
		flows[c].Locations = append(flows[c].Locations, sarifThreadFlowLocation{
			Location:       sarifLocation{Message: &sarifText{Text: stepText(s)}},
			ExecutionOrder: i + 1,
		})
	}
	var out []sarifThreadFlow
	for _, f := range flows {
		if len(f.Locations) > 0 { // SARIF requires at least one location per thread flow
			out = append(out, f)
		}
	}
	return sarifCodeFlow{Message: sarifText{Text: "counterexample for " + t.Property}, ThreadFlows: out}
}

func sarifLevel(s finding.Severity) string {
	switch s {
	case finding.Error:
		return "error"
	case finding.Warning:
		return "warning"
	}
	return "note"
}

// ruleName turns "rcu-gp-stall" into "RcuGpStall", SARIF's customary
// rule name shape.
func ruleName(id string) string {
	var b strings.Builder
	for _, part := range strings.Split(id, "-") {
		if part != "" {
			b.WriteString(strings.ToUpper(part[:1]) + part[1:])
		}
	}
	return b.String()
}

func ruleTags(id string) []string {
	tags := []string{"rcu"}
	switch {
	case strings.HasPrefix(id, "notrace-"), strings.HasPrefix(id, "noinstr-"):
		tags = []string{"tracing", "instrumentation"}
	case strings.HasPrefix(id, "input-"):
		tags = []string{"input"}
	}
	return tags
}

func orText(s, alt string) string {
	if s != "" {
		return s
	}
	return alt
}
