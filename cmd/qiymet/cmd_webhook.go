package main

import (
	"flag"
	"fmt"
	"strconv"
	"strings"

	"github.com/qiymet/qiymet/survey"
)

// webhook add|list|remove|enable|disable (docs/api.md, "Webhooks and e-mail").
func (e *env) webhook(sub string, args []string) error {
	switch sub {
	case "add":
		return e.webhookAdd(args)
	case "list":
		return e.webhookList(args)
	case "remove", "enable", "disable":
		return e.webhookChange(sub, args)
	}
	return usagef("unknown command \"webhook %s\"; want webhook add, list, remove, enable or disable", sub)
}

func (e *env) webhookAdd(args []string) error {
	var url, events string
	_, s, _, err := e.setup("webhook add", args, func(fs *flag.FlagSet) {
		fs.StringVar(&url, "url", "", "the endpoint (http:// or https://)")
		fs.StringVar(&events, "events", "", "comma-separated event types: "+strings.Join(survey.EventTypes, ",")+" (or all)")
	}, 0)
	if err != nil {
		return err
	}
	defer s.Close()
	if url == "" || events == "" {
		return usagef("webhook add: --url and --events are required")
	}
	list, err := survey.ParseEventList(events)
	if err != nil {
		return usagef("webhook add: %v", err)
	}
	w, secret, err := s.AddWebhook(e.ctx, url, list)
	if err != nil {
		if survey.ErrorCode(err) == survey.CodeInvalidField {
			return usagef("webhook add: %v", err)
		}
		return err
	}
	fmt.Fprintf(e.stdout, "webhook %d registered: %s for %s\n", w.ID, w.URL, w.Events)
	fmt.Fprintf(e.stdout, "verify each request's Qiymet-Signature with this signing secret (shown once): %s\n", secret)
	return nil
}

func (e *env) webhookList(args []string) error {
	_, s, _, err := e.setup("webhook list", args, nil, 0)
	if err != nil {
		return err
	}
	defer s.Close()
	ws, err := s.ListWebhooks(e.ctx)
	if err != nil {
		return err
	}
	if len(ws) == 0 {
		fmt.Fprintln(e.stdout, "no webhooks")
	}
	for _, w := range ws {
		state := "enabled"
		if !w.Enabled {
			state = "disabled"
		}
		counts := map[string]int{}
		ds, _, err := s.ListDeliveries(e.ctx, survey.DeliveryFilter{WebhookID: w.ID, Limit: 500})
		if err != nil {
			return err
		}
		for _, d := range ds {
			counts[d.Status]++
		}
		fmt.Fprintf(e.stdout, "%d\t%s\t%s\t%s\tlast %d deliveries: %d delivered, %d pending, %d failed\n", w.ID, state, w.URL, w.Events,
			len(ds), counts[survey.DeliveryDelivered], counts[survey.DeliveryPending], counts[survey.DeliveryFailed])
	}
	return nil
}

func (e *env) webhookChange(verb string, args []string) error {
	_, s, pos, err := e.setup("webhook "+verb, args, nil, 1)
	if err != nil {
		return err
	}
	defer s.Close()
	id, err := strconv.ParseInt(pos[0], 10, 64)
	if err != nil || id <= 0 {
		return usagef("webhook %s: want the webhook's id (see webhook list), got %q", verb, pos[0])
	}
	switch verb {
	case "remove":
		err = s.RemoveWebhook(e.ctx, id)
	default:
		err = s.SetWebhookEnabled(e.ctx, id, verb == "enable")
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "webhook %d %s\n", id, map[string]string{"remove": "removed", "enable": "enabled", "disable": "disabled"}[verb])
	return nil
}
