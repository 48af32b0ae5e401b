package storetest

import (
	"context"
	"database/sql"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun/driver/pgdriver"
)

// Cluster is a PostgreSQL cluster of the test's own, started with the server's binaries (initdb, pg_ctl) on a
// free loopback port, for what the shared server at 127.0.0.1:5432 cannot be used for (streaming replication
// needs a primary the test configures). It is stopped and its directory removed when the test ends.
type Cluster struct {
	Port int
	Dir  string // data directory
	bin  string
	root string // the test's temporary directory (sockets, logs)
	t    testing.TB
}

// clusterTimeout bounds each server program (initdb, pg_ctl, pg_basebackup) on a busy machine.
const clusterTimeout = 2 * time.Minute

// postgresBin finds the directory of initdb, pg_ctl and pg_basebackup: QIYMET_TEST_PG_BIN, the newest
// /usr/lib/postgresql/*/bin, or the PATH.
func postgresBin() (string, error) {
	if d := os.Getenv("QIYMET_TEST_PG_BIN"); d != "" {
		return d, nil
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { return versionOf(dirs[i]) > versionOf(dirs[j]) })
	for _, d := range dirs {
		if _, err := os.Stat(filepath.Join(d, "pg_basebackup")); err == nil {
			return d, nil
		}
	}
	p, err := exec.LookPath("pg_basebackup")
	if err != nil {
		return "", fmt.Errorf("no PostgreSQL server programs (initdb, pg_ctl, pg_basebackup) in /usr/lib/postgresql/*/bin or PATH; set QIYMET_TEST_PG_BIN")
	}
	return filepath.Dir(p), nil
}

func versionOf(dir string) int {
	v, _ := strconv.Atoi(filepath.Base(filepath.Dir(dir)))
	return v
}

// NeedClusterTools skips the test when the PostgreSQL server programs are missing (in CI, CI=true: fails).
func NeedClusterTools(t testing.TB) string {
	t.Helper()
	bin, err := postgresBin()
	if err == nil {
		for _, p := range []string{"initdb", "pg_ctl", "pg_basebackup"} {
			if _, serr := os.Stat(filepath.Join(bin, p)); serr != nil {
				err = fmt.Errorf("%s missing in %s", p, bin)
			}
		}
	}
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("a test PostgreSQL cluster is required in CI: %v", err)
		}
		t.Skipf("SKIPPING: cannot start a PostgreSQL cluster: %v", err)
	}
	return bin
}

// StartPrimary initialises and starts a new cluster that accepts streaming replication from loopback
// (initdb's own pg_hba.conf trusts local and loopback replication connections).
func StartPrimary(t testing.TB) *Cluster {
	t.Helper()
	bin := NeedClusterTools(t)
	root, err := os.MkdirTemp("", "qiymet-pg-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(root) }) // registered first: runs after the clusters have stopped
	chownToServer(t, root)
	c := &Cluster{Port: freePort(t), Dir: filepath.Join(root, "primary"), bin: bin, root: root, t: t}
	c.run("initdb", "-D", c.Dir, "-U", "postgres", "--auth=trust", "-N", "-E", "UTF8", "--locale=C.UTF-8")
	c.Start()
	return c
}

// StartReplica clones c with pg_basebackup -R (a streaming standby of c) and starts it on another free port.
func (c *Cluster) StartReplica() *Cluster {
	c.t.Helper()
	r := &Cluster{Port: freePort(c.t), Dir: filepath.Join(c.root, fmt.Sprintf("replica-%d", c.Port)), bin: c.bin, root: c.root, t: c.t}
	c.run("pg_basebackup", "-h", "127.0.0.1", "-p", strconv.Itoa(c.Port), "-U", "postgres", "-D", r.Dir, "-R", "-X", "stream", "-c", "fast")
	r.Start()
	return r
}

// Start starts the cluster (again) on its port and registers its stop for the end of the test.
func (c *Cluster) Start() {
	c.t.Helper()
	// fsync off: the test proves routing, not durability, on a shared machine.
	opts := fmt.Sprintf("-p %d -k %s -c listen_addresses=127.0.0.1 -c fsync=off -c shared_buffers=16MB -c max_connections=200",
		c.Port, c.root)
	c.run("pg_ctl", "-D", c.Dir, "-l", c.Dir+".log", "-w", "-t", "90", "-o", opts, "start")
	c.t.Cleanup(func() { c.stop(true) })
}

// Stop stops the cluster now (fast shutdown: sessions are ended).
func (c *Cluster) Stop() {
	c.t.Helper()
	c.stop(false)
}

func (c *Cluster) stop(quiet bool) {
	if _, err := os.Stat(filepath.Join(c.Dir, "postmaster.pid")); err != nil {
		return // not running
	}
	if err := c.exec("pg_ctl", "-D", c.Dir, "-m", "fast", "-w", "-t", "60", "stop"); err != nil {
		c.exec("pg_ctl", "-D", c.Dir, "-m", "immediate", "-w", "-t", "30", "stop")
		if !quiet {
			c.t.Fatalf("stop cluster: %v", err)
		}
	}
}

// DSN is a DSN for database db of the cluster.
func (c *Cluster) DSN(db string) string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/%s?sslmode=disable", c.Port, db)
}

// Exec runs one statement on database db of the cluster.
func (c *Cluster) Exec(db, query string, args ...any) {
	c.t.Helper()
	conn := sql.OpenDB(pgdriver.NewConnector(pgdriver.WithDSN(c.DSN(db)), pgdriver.WithTimeout(30*time.Second)))
	defer conn.Close()
	if _, err := conn.Exec(query, args...); err != nil {
		c.t.Fatalf("%s on port %d: %v", query, c.Port, err)
	}
}

// QueryRow runs one query on database db of the cluster and scans its row into dest.
func (c *Cluster) QueryRow(db, query string, dest ...any) error {
	conn := sql.OpenDB(pgdriver.NewConnector(pgdriver.WithDSN(c.DSN(db)), pgdriver.WithTimeout(30*time.Second)))
	defer conn.Close()
	return conn.QueryRow(query).Scan(dest...)
}

// run runs a server program and fails the test when it fails.
func (c *Cluster) run(prog string, args ...string) {
	c.t.Helper()
	if err := c.exec(prog, args...); err != nil {
		log, _ := os.ReadFile(c.Dir + ".log")
		c.t.Fatalf("%v\n%s", err, log)
	}
}

// exec runs a server program as the postgres user when the test runs as root (initdb and postgres refuse root).
func (c *Cluster) exec(prog string, args ...string) error {
	ctx, cancel := context.WithTimeout(context.Background(), clusterTimeout)
	defer cancel()
	name, argv := filepath.Join(c.bin, prog), args
	if os.Geteuid() == 0 {
		name, argv = "runuser", append([]string{"-u", "postgres", "--", name}, args...)
	}
	cmd := exec.CommandContext(ctx, name, argv...)
	cmd.Dir = c.root
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("%s %s: %v: %s", prog, strings.Join(args, " "), err, out)
	}
	return nil
}

// chownToServer gives dir to the postgres user when the test runs as root.
func chownToServer(t testing.TB, dir string) {
	t.Helper()
	if os.Geteuid() != 0 {
		return
	}
	u, err := user.Lookup("postgres")
	if err != nil {
		t.Fatalf("running as root, and no postgres user to run the server as: %v", err)
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	if err := os.Chown(dir, uid, gid); err != nil {
		t.Fatal(err)
	}
}

// freePort asks the kernel for a free loopback port.
func freePort(t testing.TB) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}
