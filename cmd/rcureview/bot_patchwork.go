package main

import (
	"flag"
	"fmt"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/rcureview/rcureview/bot"
	"github.com/rcureview/rcureview/bot/patchwork"
)

// patchworkFlags are the bot's patchwork options.
type patchworkFlags struct {
	url, tokenFile, context, project, targetURL string
	backoff                                     time.Duration
	events                                      bool
}

// defaultTargetURL links a check to the bot's reply on lore.
const defaultTargetURL = "https://lore.kernel.org/r/{reply}/"

func (p *patchworkFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&p.url, "patchwork", "", "post a check on every reviewed patch to the patchwork instance at `URL` (e.g. https://patchwork.kernel.org)")
	fs.StringVar(&p.tokenFile, "patchwork-token-file", "", "`FILE` holding the patchwork API token (a maintainer's of the project)")
	fs.StringVar(&p.context, "patchwork-context", bot.DefaultCheckContext, "the checks' context `NAME`")
	fs.StringVar(&p.project, "patchwork-project", "", "look patches up in this patchwork `PROJECT` only (link name or id)")
	fs.StringVar(&p.targetURL, "patchwork-target-url", defaultTargetURL, "the checks' target_url `TEMPLATE`: {reply}, {patch}, {series} are Message-IDs; \"\" for none")
	fs.BoolVar(&p.events, "patchwork-events", false, "find new series through patchwork's series-completed events instead of --inbox")
	fs.DurationVar(&p.backoff, "test-patchwork-backoff", 0, "testing only: first pause between patchwork retries")
}

// options returns the bot's patchwork options (nil without --patchwork).
func (p *patchworkFlags) options(version string) (*bot.PatchworkOptions, error) {
	if p.url == "" {
		if p.tokenFile != "" {
			return nil, fmt.Errorf("--patchwork-token-file needs --patchwork")
		}
		return nil, nil
	}
	if p.tokenFile == "" {
		return nil, fmt.Errorf("--patchwork needs --patchwork-token-file (posting checks needs a token)")
	}
	data, err := os.ReadFile(p.tokenFile)
	if err != nil {
		return nil, fmt.Errorf("--patchwork-token-file: %w", err)
	}
	token := strings.TrimSpace(string(data))
	if token == "" || strings.ContainsAny(token, " \t\r\n") {
		return nil, fmt.Errorf("--patchwork-token-file %s: want one token on one line", p.tokenFile)
	}
	c, err := patchwork.New(p.url, token, nil)
	if err != nil {
		return nil, fmt.Errorf("--patchwork: %w", err)
	}
	c.UserAgent = "rcureview/" + version
	if p.backoff > 0 {
		c.Backoff = p.backoff
	}
	if p.targetURL != "" {
		u, err := url.Parse(bot.ExpandCheckURL(p.targetURL, "r@x", "p@x", "s@x"))
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, fmt.Errorf("--patchwork-target-url %q: want an http(s) URL template", p.targetURL)
		}
	}
	if p.context == "" || strings.ContainsAny(p.context, " \t\r\n/") {
		return nil, fmt.Errorf("--patchwork-context %q: want a slug such as rcureview", p.context)
	}
	return &bot.PatchworkOptions{Client: c, Context: p.context, Project: p.project, URLTemplate: p.targetURL, Backoff: p.backoff}, nil
}
