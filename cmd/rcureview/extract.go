package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/rcureview/rcureview/mbox"
	"github.com/rcureview/rcureview/reports"
)

const extractUsage = `usage: rcureview extract [--summary] FILE...

Split each FILE (mbox, mboxrd, .gz, single mail; "-" for stdin), parse every
mail and extract its patch, printing one line per mail: its position, kind
(patch, cover, reply, pull-request, other), series counter, diff size and
subject (control characters shown as escapes). This is the ingest half of "review", without applying anything; it
is what bench/ingest.sh compares with git mailsplit + git mailinfo.

Options:
`

func runExtract(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("extract", flag.ContinueOnError)
	fs.SetOutput(stderr)
	summary := fs.Bool("summary", false, "print only the totals")
	fs.Usage = func() {
		fmt.Fprint(stderr, extractUsage)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return flagExit(err)
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return 2
	}
	w := bufio.NewWriterSize(stdout, 64*1024)
	counts := map[mbox.Kind]int{}
	var mails, failed, diffBytes int
	for _, name := range fs.Args() {
		shown := reports.EscapeControl(name)
		var r io.Reader = stdin
		if name != "-" {
			f, err := os.Open(name)
			if err != nil {
				fmt.Fprintf(stderr, "rcureview extract: %v\n", err)
				failed++
				continue
			}
			defer f.Close()
			r = f
		}
		for msg, err := range mbox.Messages(mbox.NewSplitter(bufio.NewReaderSize(r, 1<<20))) {
			mails++
			if err != nil || msg == nil {
				failed++
				if !*summary {
					fmt.Fprintf(w, "%s: input-mail: %s\n", shown, reports.EscapeControl(fmt.Sprint(err)))
				}
				continue
			}
			p := mbox.ExtractPatch(msg)
			if why := p.LostToDecoding(); why != "" {
				failed++
				if !*summary {
					fmt.Fprintf(w, "%s:%d: input-mail: %s\n", shown, msg.Raw.Index+1, reports.EscapeControl(why))
				}
				continue
			}
			counts[p.Kind]++
			diffBytes += len(p.Diff)
			if !*summary {
				fmt.Fprintf(w, "%s:%d\t%s\t%d/%d\t%d\t%s\n", shown, msg.Raw.Index+1, p.Kind, p.Tags.Index, p.Tags.Total, len(p.Diff),
					reports.EscapeControl(p.Subject))
			}
		}
	}
	fmt.Fprintf(w, "%d mails: %d patches, %d covers, %d replies, %d pull requests, %d other, %d unreadable; %d diff bytes\n",
		mails, counts[mbox.KindPatch], counts[mbox.KindCover], counts[mbox.KindReply], counts[mbox.KindPullRequest],
		counts[mbox.KindOther], failed, diffBytes)
	if err := w.Flush(); err != nil {
		fmt.Fprintf(stderr, "rcureview extract: %v\n", writeError(stdout, err))
		return 2
	}
	if mails == failed {
		return 2
	}
	return 0
}
