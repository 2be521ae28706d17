package bot

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/rcureview/rcureview/bot/internal/archivetest"
	"github.com/rcureview/rcureview/bot/state"
	"github.com/rcureview/rcureview/internal/patchworktest"
)

// binary returns cmd/rcureview built once for the package's tests.
func binary(t *testing.T) string {
	t.Helper()
	if _, err := exec.LookPath("go"); err != nil {
		t.Skipf("go tool not found: %v", err)
	}
	built.once.Do(func() {
		dir, err := os.MkdirTemp("", "rcureview-bot-test-")
		if err != nil {
			built.err = err
			return
		}
		built.dir = dir
		bin := filepath.Join(dir, "rcureview")
		out, err := exec.Command("go", "build", "-o", bin, "../cmd/rcureview").CombinedOutput()
		if err != nil {
			built.err = fmt.Errorf("go build: %v\n%s", err, out)
			return
		}
		built.path = bin
	})
	if built.err != nil {
		t.Fatal(built.err)
	}
	return built.path
}

// crashWorld is the generated archive and what the bot must answer.
type crashWorld struct {
	groups   [][]archiveOp // archive changes; a group is appended at once (a thread as sent)
	expected map[string]bool
	checks   map[string]bool // patches that get a patchwork check
	messages int
	series   int
}

type archiveOp struct {
	epoch  int
	data   []byte
	remove bool
	purge  bool // rewrite epoch's history dropping broken mails
}

// genWorld generates ≥ minMessages messages in groups (one thread each):
// complete and incomplete series with and without covers, second
// versions, covers alone, replies, other bots' and our own mail, broken
// mail, opted-out threads, cross-posted duplicates and deleted spam.
func genWorld(rng *rand.Rand, minMessages int) *crashWorld {
	w := &crashWorld{expected: map[string]bool{}, checks: map[string]bool{}}
	add := func(step int, data []byte) {
		ep := 0
		if w.messages >= minMessages/2 {
			ep = 1 // a new epoch appears halfway
		}
		for len(w.groups) <= step {
			w.groups = append(w.groups, nil)
		}
		w.groups[step] = append(w.groups[step], archiveOp{epoch: ep, data: data})
		w.messages++
	}
	type sentMsg struct {
		step int
		data []byte
	}
	var sent []sentMsg // earlier messages, for duplicates
	for n := 0; w.messages < minMessages; n++ {
		step := n
		name := fmt.Sprintf("s%04d", n)
		kind := rng.IntN(100)
		total := 1 + rng.IntN(5)
		withCover := total > 1 && rng.IntN(10) < 6
		all := make([]int, total)
		for i := range all {
			all[i] = i + 1
		}
		emit := func(ms []tmail) {
			for _, m := range ms {
				m.date = m.date.Add(time.Duration(n) * time.Hour)
				data := m.bytes()
				add(step, data)
				sent = append(sent, sentMsg{step, data})
			}
		}
		// Every reviewable series gets one reply, threaded on its first
		// mail: the cover letter, else patch 1.
		expect := func(ms []tmail) {
			w.expected[ms[0].id] = true
			for _, m := range ms {
				if !strings.HasSuffix(m.id, "-0@example.org") { // not a cover letter
					w.checks[m.id] = true
				}
			}
		}
		switch {
		case kind < 40: // a complete series
			ms := series(name, 1, total, withCover, all...)
			emit(ms)
			expect(ms)
			w.series++
		case kind < 50: // an incomplete series: the last patch never comes
			if total == 1 {
				total = 2
			}
			ms := series(name, 1, total, withCover, all[:max(1, len(all)-1)]...)
			if len(all) == 1 {
				ms = series(name, 1, total, withCover, 1)
			}
			emit(ms)
			expect(ms)
			w.series++
		case kind < 58: // v1 and, in a later step, v2 in reply to it: both reviewed
			v1 := series(name, 1, total, true, all...)
			emit(v1)
			expect(v1)
			v2 := series(name, 2, total, true, all...)
			v2[0].inReplyTo, v2[0].refs = v1[0].id, []string{v1[0].id}
			emit(v2)
			expect(v2)
			w.series += 2
		case kind < 63: // a cover whose patches never come
			emit(series(name, 1, total+1, true))
		case kind < 70: // an opted-out thread
			ms := series(name, 1, total, withCover, all...)
			ms = append(ms, tmail{id: name + "-skip@example.org", from: author(name),
				subject: "Re: " + ms[0].subject, inReplyTo: ms[0].id, refs: []string{ms[0].id},
				body: "No bot reviews for this one, please.\n\nrcureview: skip\n"})
			emit(ms)
		case kind < 78: // replies, one quoting the diff
			emit([]tmail{
				{id: name + "-r1@example.org", from: "Paul McKenney <paulmck@kernel.org>",
					subject: "Re: [PATCH] rcu: something", inReplyTo: "old@example.org",
					body: "> diff --git a/x b/x\n> +int a;\n\nWhy?\n"},
				{id: name + "-r2@example.org", from: author(name), subject: "Re: [PATCH 1/2] rcu: other",
					inReplyTo: name + "-r1@example.org", body: "Because.\n"},
			})
		case kind < 86: // other bots and our own earlier replies
			bots := []tmail{
				{id: name + "-lkp@intel.com", from: "kernel test robot <lkp@intel.com>",
					subject: "Re: [PATCH] rcu: x", inReplyTo: "old@example.org", body: patchBody("kernel/rcu/lkp.c")},
				{id: name + "@syzkaller.appspotmail.com", from: "syzbot <syzbot+" + name + "@syzkaller.appspotmail.com>",
					subject: "[PATCH] syz test", body: patchBody("kernel/rcu/syz.c"),
					headers: map[string]string{"X-Google-Appengine-App-Id": "s~syzkaller"}},
				{id: name + "-pw@kernel.org", from: "patchwork-bot+netdevbpf@kernel.org",
					subject: "Re: [PATCH 0/2] applied", inReplyTo: "old@example.org", body: "Hello:\n\nThis series was applied.\n"},
				{id: name + "-auto@example.org", from: author(name), subject: "[PATCH] auto",
					body: patchBody("kernel/rcu/auto.c"), headers: map[string]string{"Auto-Submitted": "auto-generated"}},
				{id: name + "-ours@example.org", from: "rcureview <bot@rcureview.example>",
					subject: "Re: [PATCH] rcu: y", inReplyTo: "old@example.org", body: "rcureview reviewed this patch.\n",
					headers: map[string]string{"X-Rcureview-Version": "0.0.1"}},
			}
			emit(bots[rng.IntN(len(bots)):])
		case kind < 92: // broken mail
			broken := [][]byte{
				[]byte("\x00\x01\x02 binary garbage \xff\xfe"),
				[]byte("From: a@example.org\nSubject: [PATCH] no message id\n\n" + patchBody("kernel/rcu/noid.c")),
				bytes.Repeat([]byte("\x00"), 64),
			}
			for _, b := range broken[rng.IntN(len(broken)):] {
				add(step, b)
			}
		case kind < 96: // spam patch, removed by the archive in the same step
			ms := series(name, 1, 1, false, 1)
			emit(ms)
			sent = sent[:len(sent)-1] // deleted spam is never re-posted as a duplicate
			g := w.groups[step]
			w.groups[step] = append(g, archiveOp{epoch: g[len(g)-1].epoch, data: g[len(g)-1].data, remove: true})
		default: // a cross-posted duplicate of a message of an earlier step
			var earlier [][]byte
			for _, m := range sent {
				if m.step < step {
					earlier = append(earlier, m.data)
				}
			}
			if len(earlier) > 0 {
				add(step, earlier[rng.IntN(len(earlier))])
			}
		}
	}
	// One purge of epoch 0 at the end rewrites its whole history.
	w.groups = append(w.groups, []archiveOp{{epoch: 0, purge: true}})
	return w
}

// runBot starts the bot binary and kills it after delay (0: let it
// finish, bounded by a timeout). It returns whether it was killed.
func runBot(t *testing.T, bin string, args []string, delay time.Duration) (killed bool, out string) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	var buf bytes.Buffer
	cmd.Stdout, cmd.Stderr = &buf, &buf
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	limit := 3 * time.Minute
	if delay > 0 {
		limit = delay
	}
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("bot failed: %v\n%s", err, buf.String())
		}
		return false, buf.String()
	case <-time.After(limit):
		if delay == 0 {
			cmd.Process.Kill()
			<-done
			t.Fatalf("bot did not finish within %v\n%s", limit, buf.String())
		}
		cmd.Process.Signal(syscall.SIGKILL)
		<-done
		return true, buf.String()
	}
}

// TestCrashExactlyOnce runs the bot as a separate process on a growing
// archive of ≥ 1,000 messages, SIGKILLs it at random moments at least 100
// times, restarts it each time, and checks at the end that every
// reviewable series has exactly one reply (on its cover letter, else on
// its first patch) and nothing else got one.
// RCUREVIEW_CRASH_SEED repeats a run.
func TestCrashExactlyOnce(t *testing.T) {
	if testing.Short() {
		t.Skip("crash test: skipped with -short")
	}
	seed := uint64(time.Now().UnixNano())
	if s := os.Getenv("RCUREVIEW_CRASH_SEED"); s != "" {
		v, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			t.Fatalf("RCUREVIEW_CRASH_SEED: %v", err)
		}
		seed = v
	}
	const minMessages, minKills = 1000, 100
	rng := rand.New(rand.NewPCG(seed, 0x5eed))
	t.Logf("seed %d (RCUREVIEW_CRASH_SEED=%d repeats this run)", seed, seed)
	w := genWorld(rng, minMessages)
	bin := binary(t)

	dir := t.TempDir()
	arch, err := archivetest.New(filepath.Join(dir, "inbox"))
	if err != nil {
		t.Fatal(err)
	}
	outbox := filepath.Join(dir, "outbox")
	fresh, err := state.Create(filepath.Join(dir, "state.db"), time.Second)
	if err != nil {
		t.Fatal(err)
	}
	fresh.Close()
	// A patchwork that lists every mail, fails one request in 7 with a
	// 500 before handling it and one check POST in 5 with a 502 after
	// creating the check (a proxy timing out).
	pw := patchworktest.New(pwToken)
	defer pw.Close()
	pw.SetLookup(func(msgid string) (string, string, bool) { return "patch " + msgid, "rcu", true })
	var reqs, posts atomic.Int64
	pw.SetFail(func(r *http.Request) int {
		if reqs.Add(1)%7 == 0 {
			return http.StatusInternalServerError
		}
		return 0
	})
	pw.SetFailAfter(func(r *http.Request) int {
		if r.Method == http.MethodPost && posts.Add(1)%5 == 0 {
			return http.StatusBadGateway
		}
		return 0
	})
	tokenFile := filepath.Join(dir, "pw-token")
	if err := os.WriteFile(tokenFile, []byte(pwToken+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	args := []string{"bot", "--inbox", arch.Dir, "--state", filepath.Join(dir, "state.db"),
		"--from", "rcureview <bot@rcureview.example>", "--outbox", outbox, "--once",
		"--wait", "1ms", "--cover-max-age", "1h", "--rate-list", "0", "--rate-thread", "0",
		"--batch", "20", "--log-format", "json",
		"--patchwork", pw.URL, "--patchwork-token-file", tokenFile, "--test-patchwork-backoff", "1ms"}
	kills, runs := 0, 0
	start := time.Now()
	// Before each run a few threads arrive, so that most runs have work
	// to be killed in; the bot is never running while the archive changes.
	next := 0
	for next < len(w.groups) || kills < minKills {
		for k := rng.IntN(6); k > 0 && next < len(w.groups); k-- {
			for _, op := range w.groups[next] {
				switch {
				case op.purge:
					err = arch.Purge(op.epoch, func(m []byte) bool { return !bytes.Contains(m, []byte("Message-ID:")) })
				case op.remove:
					err = arch.Remove(op.epoch, op.data)
				default:
					err = arch.Add(op.epoch, op.data)
				}
				if err != nil {
					t.Fatal(err)
				}
			}
			next++
		}
		runs++
		delay := time.Duration(1+rng.IntN(600)) * time.Millisecond
		a := args
		if rng.IntN(2) == 0 {
			// Widen the windows around each send so that kills land
			// between "intended" and "sent" too.
			a = append(append([]string(nil), args...), "--test-send-pause", "15ms")
		}
		killed, out := runBot(t, bin, a, delay)
		if os.Getenv("RCUREVIEW_CRASH_DEBUG") != "" {
			t.Logf("run %d delay %v killed %v: %d lines, %d intended, %d sent, last: %.200s", runs, delay, killed,
				strings.Count(out, "\n"), strings.Count(out, "reply intended"), strings.Count(out, "reply sent"), lastLine(out))
		}
		if killed {
			kills++
		}
		if runs > 20*minKills {
			t.Fatalf("%d runs for %d kills: the bot finishes too fast to be killed", runs, kills)
		}
	}
	// Finish: two clean runs (the second must find nothing to do).
	runBot(t, bin, args, 0)
	_, out := runBot(t, bin, args, 0)
	runs += 2
	if !strings.Contains(out, `"replied":0`) || !strings.Contains(out, `"resolved":0`) || !strings.Contains(out, `"checks":0`) {
		t.Errorf("the last pass still did work:\n%s", out)
	}

	counts := map[string]int{}
	for _, m := range outboxMessages(t, outbox) {
		counts[m.InReplyTo]++
	}
	dups, lost, extra, replies := 0, 0, 0, 0
	for id, n := range counts {
		replies += n
		if n > 1 {
			dups += n - 1
			t.Errorf("%d replies to <%s>", n, id)
		}
		if !w.expected[id] {
			extra++
			t.Errorf("reply to <%s>, which should not get one", id)
		}
	}
	var missing []string
	for id := range w.expected {
		if counts[id] == 0 {
			lost++
			missing = append(missing, id)
		}
	}
	sort.Strings(missing)
	if lost > 0 {
		t.Errorf("no reply to %d reviewable series: %v", lost, missing[:min(10, len(missing))])
	}
	if kills < minKills {
		t.Errorf("only %d kills", kills)
	}
	// Patchwork: one check per reviewed patch, never two.
	perPatch := map[int]int{}
	for _, ck := range pw.Checks() {
		perPatch[ck.PatchID]++
		if ck.Token != pwToken || ck.Context != "rcureview" {
			t.Errorf("check %+v", ck)
		}
	}
	checkDups, checkLost := 0, 0
	for id := range w.checks {
		switch n := perPatch[pw.PatchID(id)]; {
		case n == 0:
			checkLost++
		case n > 1:
			checkDups += n - 1
			t.Errorf("%d checks on <%s>", n, id)
		}
	}
	if checkLost > 0 || len(pw.Checks()) != len(w.checks) {
		t.Errorf("%d checks for %d reviewed patches, %d patches without one", len(pw.Checks()), len(w.checks), checkLost)
	}
	status, err := exec.Command(bin, "bot", "status", "--json", "--state", filepath.Join(dir, "state.db")).Output()
	if err != nil {
		t.Fatalf("bot status: %v", err)
	}
	var st Status
	if err := json.Unmarshal(status, &st); err != nil {
		t.Fatalf("bot status: %v\n%s", err, status)
	}
	if st.Replies["intended"] != 0 || st.Replies["sent"] != len(w.expected) {
		t.Errorf("status replies %v, want %d sent", st.Replies, len(w.expected))
	}
	if st.Checks["posted"] != len(w.checks) || st.Checks["intended"] != 0 || st.Checks["failed"] != 0 {
		t.Errorf("status checks %v, want %d posted", st.Checks, len(w.checks))
	}
	// Kills that fell between recording a reply and confirming it: resolved
	// from the outbox (it was written) or sent once more (it was not).
	t.Logf("crash test: seed=%d messages=%d series=%d expected_replies=%d replies=%d kills=%d runs=%d "+
		"duplicates=%d lost=%d unexpected=%d resolved_as_delivered=%d sent_after_restart=%d "+
		"checks=%d check_duplicates=%d checks_found_posted=%d check_retries=%d patchwork_requests=%d time=%v",
		seed, w.messages, w.series, len(w.expected), replies, kills, runs, dups, lost, extra,
		st.Counters["replies:resolved-delivered"], st.Counters["replies:sent-after-restart"],
		len(pw.Checks()), checkDups, st.Counters["checks:already-posted"], st.Counters["checks:retry"], reqs.Load(),
		time.Since(start).Round(time.Second))
}

func lastLine(s string) string {
	s = strings.TrimRight(s, "\n")
	return s[strings.LastIndex(s, "\n")+1:]
}
