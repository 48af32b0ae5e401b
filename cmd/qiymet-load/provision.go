package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/qiymet/qiymet/survey"
)

// provision creates kiosks (spread over the catalog's centres) and API keys directly in a database and
// prints them as KEY=VALUE lines for --creds (or `source`). It is for test and benchmark set-ups: one
// `qiymet kiosk add` per kiosk would open and migrate the database hundreds of times.
func provision(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("qiymet-load provision", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dsn := fs.String("db", getenv("QIYMET_DB"), "database, as QIYMET_DB of qiymet (required)")
	catalog := fs.String("catalog", "", "apply this catalog JSON first (optional)")
	nk := fs.Int("kiosks", 16, "kiosks to create, spread over the centres")
	na := fs.Int("api-keys", 2, "API keys to create")
	url := fs.String("url", "", "also print QIYMET_LOAD_URL=URL")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return usagef("see the flags above")
		}
		return usagef("%v", err)
	}
	if *dsn == "" {
		return usagef("provision: --db (or QIYMET_DB) is required")
	}
	if *nk < 0 || *nk > 100000 || *na < 0 || *na > 10000 {
		return usagef("provision: --kiosks 0..100000, --api-keys 0..10000")
	}
	s, err := survey.Open(ctx, *dsn, survey.Options{Location: time.UTC})
	if err != nil {
		return err
	}
	defer s.Close()
	if err := s.Migrate(ctx); err != nil {
		return err
	}
	if *catalog != "" {
		f, err := os.Open(*catalog)
		if err != nil {
			return err
		}
		cat, err := survey.DecodeCatalog(f)
		f.Close()
		if err != nil {
			return fmt.Errorf("catalog: %w", err)
		}
		if _, err := s.ApplyCatalog(ctx, *cat); err != nil {
			return fmt.Errorf("catalog: %w", err)
		}
	}
	kiosks, keys, err := provisionStore(ctx, s, *nk, *na)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "# qiymet-load credentials (%d kiosks, %d API keys); secret: do not commit\n", *nk, *na)
	if *url != "" {
		fmt.Fprintf(stdout, "QIYMET_LOAD_URL=%s\n", *url)
	}
	fmt.Fprintf(stdout, "QIYMET_LOAD_KIOSKS=%s\n", strings.Join(kiosks, ","))
	fmt.Fprintf(stdout, "QIYMET_LOAD_API_KEYS=%s\n", strings.Join(keys, ","))
	return nil
}

// provisionStore creates nk kiosks round-robin over the catalog's centres and na API keys; kiosks come back
// as CENTER:TOKEN.
func provisionStore(ctx context.Context, s *survey.Store, nk, na int) (kiosks, keys []string, err error) {
	cat, err := s.Catalog(ctx)
	if err != nil {
		return nil, nil, err
	}
	if nk > 0 && len(cat.Centers) == 0 {
		return nil, nil, errors.New("provision: the catalog has no centre; apply a catalog first (--catalog)")
	}
	suffix := time.Now().UTC().Format("20060102T150405")
	for i := range nk {
		center := cat.Centers[i%len(cat.Centers)].Code
		_, token, err := s.AddKiosk(ctx, center, fmt.Sprintf("load-%s-%d", suffix, i+1), "")
		if err != nil {
			return nil, nil, fmt.Errorf("kiosk: %w", err)
		}
		kiosks = append(kiosks, center+":"+token)
	}
	for i := range na {
		_, key, err := s.AddAPIKey(ctx, fmt.Sprintf("load-%s-%d", suffix, i+1))
		if err != nil {
			return nil, nil, fmt.Errorf("API key: %w", err)
		}
		keys = append(keys, key)
	}
	return kiosks, keys, nil
}
