// Package browsertest drives Debian's headless Chromium (never a downloaded browser) for page tests.
package browsertest

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// ExecPath finds Debian's chromium.
func ExecPath() string {
	for _, p := range []string{os.Getenv("CHROMIUM"), "/usr/bin/chromium", "/usr/bin/chromium-browser"} {
		if p == "" {
			continue
		}
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	if p, err := exec.LookPath("chromium"); err == nil {
		return p
	}
	return ""
}

// New starts a headless Chromium with an empty profile and returns a tab context that dies with the test.
// Without Chromium the test skips, except in CI (CI=true), where it fails: `make test` installs it.
func New(t testing.TB, opts ...chromedp.ExecAllocatorOption) context.Context {
	t.Helper()
	path := ExecPath()
	if path == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("chromium is required in CI (apt-get install chromium)")
		}
		t.Skip("SKIPPING browser test: chromium not installed (apt-get install chromium)")
	}
	all := append([]chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.UserDataDir(profileDir(t)),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.WindowSize(1280, 900),
	}, opts...)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), all...)
	ctx, cancelTab := chromedp.NewContext(actx)
	// Bound every browser test in time: it stops by itself.
	ctx, cancelTime := context.WithTimeout(ctx, 3*time.Minute)
	t.Cleanup(func() { cancelTime(); cancelTab(); cancelAlloc() })
	if err := chromedp.Run(ctx); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return ctx
}

// ScreenshotDir is where screenshots go for a person to look at (QIYMET_SCREENSHOTS, default a temp dir).
func ScreenshotDir(t testing.TB) string {
	dir := os.Getenv("QIYMET_SCREENSHOTS")
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "qiymet-screenshots")
	}
	os.MkdirAll(dir, 0o755)
	return dir
}

// Screenshot saves the full page as name.png in ScreenshotDir and returns the path.
func Screenshot(t testing.TB, ctx context.Context, name string) string {
	t.Helper()
	var buf []byte
	// Quality 100 makes Chromium encode PNG (anything lower is JPEG).
	if err := chromedp.Run(ctx, chromedp.FullScreenshot(&buf, 100)); err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	path := filepath.Join(ScreenshotDir(t), name+".png")
	if err := os.WriteFile(path, buf, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// profileDir is an empty Chromium profile removed after the test. Not t.TempDir: Chromium may still be
// writing into it while it exits, and t.TempDir's cleanup then fails the test.
func profileDir(t testing.TB) string {
	dir, err := os.MkdirTemp("", "qiymet-chromium-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		for i := 0; i < 20; i++ {
			if os.RemoveAll(dir) == nil {
				return
			}
			time.Sleep(100 * time.Millisecond)
		}
	})
	return dir
}
