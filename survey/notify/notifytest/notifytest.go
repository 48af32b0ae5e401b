// Package notifytest runs the real receivers that delivery tests talk to: an HTTP webhook receiver and an SMTP
// server (github.com/emersion/go-smtp), both on loopback.
package notifytest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"errors"
	"io"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
	"github.com/qiymet/qiymet/survey/notify"
)

// Hit is one webhook request as the receiver saw it.
type Hit struct {
	ID, Type  string
	Body      []byte
	Signature string
	Valid     bool // the signature matched the secret
	Status    int  // what the receiver answered
}

// Receiver is a webhook endpoint on loopback. It answers 500 to the first FailFirst requests of each event id,
// then 200; it checks each signature against the secret given to SetSecret.
type Receiver struct {
	*httptest.Server
	mu        sync.Mutex
	secret    string // SetSecret
	FailFirst int
	Now       func() time.Time // the signer's clock (default time.Now)
	// Hold, when set, is called before answering (a test may block here, e.g. to kill the sender meanwhile).
	Hold  func(Hit)
	hits  []Hit
	seen  map[string]int
	inFly map[string]int
	// MaxInFlight is the most requests of one event id in flight at once.
	MaxInFlight int
}

// SetSecret sets the signing secret the receiver checks (once the webhook is registered; requests may already
// be arriving).
func (r *Receiver) SetSecret(secret string) {
	r.mu.Lock()
	r.secret = secret
	r.mu.Unlock()
}

// NewReceiver starts a receiver, stopped when the test ends.
func NewReceiver(t testing.TB) *Receiver {
	r := &Receiver{seen: map[string]int{}, inFly: map[string]int{}}
	r.Server = httptest.NewServer(http.HandlerFunc(r.serve))
	t.Cleanup(r.Close)
	return r
}

func (r *Receiver) serve(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(io.LimitReader(req.Body, 1<<20))
	var ev struct{ ID, Type string }
	json.Unmarshal(body, &ev)
	h := Hit{ID: ev.ID, Type: ev.Type, Body: body, Signature: req.Header.Get(notify.SignatureHeader)}
	r.mu.Lock()
	now := time.Now
	if r.Now != nil {
		now = r.Now
	}
	h.Valid = req.Method == http.MethodPost && notify.Verify(r.secret, h.Signature, body, now(), 5*time.Minute) == nil
	r.seen[ev.ID]++
	h.Status = http.StatusOK
	if r.seen[ev.ID] <= r.FailFirst || !h.Valid {
		h.Status = http.StatusInternalServerError
	}
	r.inFly[ev.ID]++
	r.MaxInFlight = max(r.MaxInFlight, r.inFly[ev.ID])
	hold := r.Hold
	r.mu.Unlock()
	if hold != nil {
		hold(h)
	}
	r.mu.Lock()
	r.inFly[ev.ID]--
	r.hits = append(r.hits, h)
	r.mu.Unlock()
	w.WriteHeader(h.Status)
}

// Hits returns the requests answered so far.
func (r *Receiver) Hits() []Hit {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Hit(nil), r.hits...)
}

// Delivered counts, per event id, the requests answered 2xx (a receiver that deduplicates by id keeps one).
func (r *Receiver) Delivered() map[string]int {
	out := map[string]int{}
	for _, h := range r.Hits() {
		if h.Status/100 == 2 {
			out[h.ID]++
		}
	}
	return out
}

// Mail is one message the SMTP server accepted.
type Mail struct {
	From string
	To   []string
	Data []byte
	TLS  bool   // sent after STARTTLS
	User string // authenticated as
}

// MailServer is an SMTP server on loopback offering STARTTLS (a certificate made for 127.0.0.1) and AUTH
// PLAIN for User/Pass.
type MailServer struct {
	Addr       string
	Host       string
	Port       int
	User, Pass string
	ClientTLS  *tls.Config // trusts the server's certificate
	CertPEM    []byte      // the certificate, for SSL_CERT_FILE of a child process
	mu         sync.Mutex
	mails      []Mail
}

// NewMailServer starts a server, stopped when the test ends.
func NewMailServer(t testing.TB) *MailServer {
	cert, pool := selfSigned(t)
	m := &MailServer{User: "qiymet", Pass: "s3cret pass", ClientTLS: &tls.Config{RootCAs: pool, ServerName: "127.0.0.1"},
		CertPEM: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Certificate[0]})}
	s := smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) { return &session{m: m, c: c}, nil }))
	s.Domain = "localhost"
	s.TLSConfig = &tls.Config{Certificates: []tls.Certificate{cert}}
	s.ReadTimeout, s.WriteTimeout = 10*time.Second, 10*time.Second
	s.MaxMessageBytes = 1 << 20
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go s.Serve(ln)
	t.Cleanup(func() { s.Close() })
	m.Addr = ln.Addr().String()
	m.Host = "127.0.0.1"
	m.Port = ln.Addr().(*net.TCPAddr).Port
	return m
}

// URL is the QIYMET_SMTP_URL of the server.
func (m *MailServer) URL() string {
	return "smtp://" + m.User + ":" + "s3cret%20pass" + "@" + m.Addr
}

// Mails returns the messages accepted so far.
func (m *MailServer) Mails() []Mail {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]Mail(nil), m.mails...)
}

type session struct {
	m    *MailServer
	c    *smtp.Conn
	cur  Mail
	user string
}

func (s *session) AuthMechanisms() []string { return []string{sasl.Plain} }

func (s *session) Auth(mech string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(identity, user, pass string) error {
		if user != s.m.User || pass != s.m.Pass {
			return errors.New("invalid credentials")
		}
		s.user = user
		return nil
	}), nil
}

func (s *session) Mail(from string, _ *smtp.MailOptions) error {
	if s.user == "" {
		return smtp.ErrAuthRequired
	}
	s.cur = Mail{From: from, User: s.user}
	return nil
}

func (s *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.cur.To = append(s.cur.To, to)
	return nil
}

func (s *session) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	_, s.cur.TLS = s.c.TLSConnectionState()
	s.cur.Data = b
	s.m.mu.Lock()
	s.m.mails = append(s.m.mails, s.cur)
	s.m.mu.Unlock()
	return nil
}

func (s *session) Reset()        { s.cur = Mail{} }
func (s *session) Logout() error { return nil }

func selfSigned(t testing.TB) (tls.Certificate, *x509.CertPool) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "127.0.0.1"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tpl, tpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	c, _ := x509.ParseCertificate(der)
	pool := x509.NewCertPool()
	pool.AddCert(c)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, pool
}
