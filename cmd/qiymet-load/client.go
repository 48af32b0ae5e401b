package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// client is one worker's HTTP/1.1 client: one keep-alive connection per server, each request written with one
// write and each answer parsed by net/http's own reader. The standard Transport hands every request to two
// goroutines of its connection; on a 2-core machine that bookkeeping cost a third of the generator's CPU, which
// the measured server then did not get. A worker sends one request at a time, so nothing more is needed.
type client struct {
	timeout time.Duration
	conns   map[string]*conn // by host:port
	req     []byte           // the request being written (reused)
}

type conn struct {
	nc net.Conn
	br *bufio.Reader
}

func newClient(timeout time.Duration) *client {
	return &client{timeout: timeout, conns: map[string]*conn{}}
}

// answer is an HTTP answer: its status, Retry-After header and body.
type answer struct {
	status     int
	retryAfter string
	body       []byte
}

// post sends payload to url (http://host:port/path) and reads the answer. Any failure closes the connection, so
// the next attempt dials a fresh one; ctx ends the attempt at once.
func (c *client) post(ctx context.Context, url, bearer string, payload []byte) (answer, error) {
	host, path, ok := strings.Cut(strings.TrimPrefix(url, "http://"), "/")
	if !ok || !strings.HasPrefix(url, "http://") {
		return answer{}, fmt.Errorf("not an http:// URL: %q", url)
	}
	cn := c.conns[host]
	if cn == nil {
		d := net.Dialer{Timeout: min(3*time.Second, c.timeout), KeepAlive: 30 * time.Second}
		nc, err := d.DialContext(ctx, "tcp", host)
		if err != nil {
			return answer{}, err
		}
		cn = &conn{nc: nc, br: bufio.NewReaderSize(nc, 4096)}
		c.conns[host] = cn
	}
	ans, err := c.roundTrip(ctx, cn, host, path, bearer, payload)
	if err != nil {
		cn.nc.Close()
		delete(c.conns, host)
		if err == errConnClosed {
			err = nil // the answer stands; the connection does not
		}
	}
	return ans, err
}

func (c *client) roundTrip(ctx context.Context, cn *conn, host, path, bearer string, payload []byte) (answer, error) {
	deadline := time.Now().Add(c.timeout)
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline = d
	}
	cn.nc.SetDeadline(deadline)
	stop := context.AfterFunc(ctx, func() { cn.nc.SetDeadline(time.Unix(1, 0)) }) // cancelled: unblock now
	defer stop()

	b := append(c.req[:0], "POST /"...)
	b = append(b, path...)
	b = append(b, " HTTP/1.1\r\nHost: "...)
	b = append(b, host...)
	b = append(b, "\r\nUser-Agent: qiymet-load/1\r\nContent-Type: application/json\r\nContent-Length: "...)
	b = strconv.AppendInt(b, int64(len(payload)), 10)
	if bearer != "" {
		b = append(b, "\r\nAuthorization: Bearer "...)
		b = append(b, bearer...)
	}
	b = append(b, "\r\n\r\n"...)
	b = append(b, payload...)
	c.req = b
	if _, err := cn.nc.Write(b); err != nil {
		return answer{}, ctxErr(ctx, err)
	}
	resp, err := http.ReadResponse(cn.br, nil)
	if err != nil {
		return answer{}, ctxErr(ctx, err)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if cerr := resp.Body.Close(); err == nil {
		err = cerr // the rest of a long body not read: the connection is out of step
	}
	if err != nil {
		return answer{}, ctxErr(ctx, err)
	}
	ans := answer{status: resp.StatusCode, retryAfter: resp.Header.Get("Retry-After"), body: body}
	if resp.Close {
		return ans, errConnClosed
	}
	return ans, nil
}

// errConnClosed: the server closed the connection after a complete answer.
var errConnClosed = errors.New("connection closed by the server")

// ctxErr reports a cancelled or timed-out attempt as such, not as the deadline error it caused.
func ctxErr(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	return err
}

// close drops every connection.
func (c *client) close() {
	for host, cn := range c.conns {
		cn.nc.Close()
		delete(c.conns, host)
	}
}
