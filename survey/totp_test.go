package survey

import (
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"
)

func TestSealUnseal(t *testing.T) {
	a, b := []byte("server secret A"), []byte("server secret B")
	sealed, err := seal(a, "JBSWY3DPEHPK3PXP")
	if err != nil || strings.Contains(sealed, "JBSWY3DP") {
		t.Fatalf("sealed %q %v", sealed, err)
	}
	if again, _ := seal(a, "JBSWY3DPEHPK3PXP"); again == sealed {
		t.Fatal("the same secret sealed twice gives the same text: the nonce is not fresh")
	}
	if got, err := unseal(a, sealed); err != nil || got != "JBSWY3DPEHPK3PXP" {
		t.Fatalf("unseal: %q %v", got, err)
	}
	if _, err := unseal(b, sealed); err != errUnseal {
		t.Fatalf("another server secret opened it: %v", err)
	}
	tampered := sealed[:len(sealed)-2] + "AA"
	if _, err := unseal(a, tampered); err != errUnseal {
		t.Fatalf("a changed text opened: %v", err)
	}
	for _, bad := range []string{"", "v1:", "v1:!!", "v2:abc", "JBSWY3DPEHPK3PXP"} {
		if _, err := unseal(a, bad); err == nil {
			t.Fatalf("%q opened", bad)
		}
	}
}

func TestMatchStep(t *testing.T) {
	key, err := NewTOTPKey("a@example.az")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 12, 4, 12, 0, 10, 0, time.UTC)
	step := now.Unix() / 30
	for d := int64(-2); d <= 2; d++ {
		code, _ := totp.GenerateCode(key.Secret(), now.Add(time.Duration(d)*30*time.Second))
		got := matchStep(key.Secret(), code, now)
		switch {
		case d >= -1 && d <= 1 && got != step+d:
			t.Errorf("drift %d: step %d, want %d", d, got, step+d)
		case (d < -1 || d > 1) && got == step+d:
			t.Errorf("drift %d steps accepted", d)
		}
	}
	code, _ := totp.GenerateCode(key.Secret(), now)
	if matchStep(key.Secret(), code[:3]+" "+code[3:], now) != step {
		t.Error("a code typed with a space is not read")
	}
	if matchStep(key.Secret(), "12345", now) != 0 || matchStep(key.Secret(), "", now) != 0 {
		t.Error("a short code matched")
	}
	// The key's URL is what the QR code carries.
	if u := key.URL(); !strings.HasPrefix(u, "otpauth://totp/") || !strings.Contains(u, "secret="+key.Secret()) {
		t.Errorf("url %s", u)
	}
	k2, err := TOTPKeyFromSecret("a@example.az", strings.ToLower(key.Secret()))
	if err != nil || k2.Secret() != key.Secret() {
		t.Fatalf("rebuilt key: %v %v", k2, err)
	}
}

func TestRecoveryCodes(t *testing.T) {
	seen := map[string]bool{}
	for range 1000 {
		c := newRecoveryCode()
		if len(c) != 11 || c[5] != '-' || strings.ContainsAny(c, "ilo1") || seen[c] {
			t.Fatalf("code %q", c)
		}
		seen[c] = true
		if normRecovery(" "+strings.ToUpper(c)+"\t") != strings.ReplaceAll(c, "-", "") {
			t.Fatalf("typed code %q not read", c)
		}
	}
}

// FuzzSecondFactorCode: whatever is typed into the code field, nothing panics, and only six digits can match.
func FuzzSecondFactorCode(f *testing.F) {
	key, _ := NewTOTPKey("fuzz@example.az")
	for _, s := range []string{"123456", "12 34 56", "abcde-fghij", "", "１２３４５６", "\x00\x00\x00\x00\x00\x00"} {
		f.Add(s)
	}
	now := time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, s string) {
		step := matchStep(key.Secret(), s, now)
		digits := strings.Join(strings.Fields(s), "")
		if step != 0 {
			if len(digits) != 6 || strings.Trim(digits, "0123456789") != "" {
				t.Fatalf("%q matched step %d", s, step)
			}
		}
		_ = normRecovery(s)
	})
}
