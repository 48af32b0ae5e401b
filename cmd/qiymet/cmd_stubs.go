package main

import "errors"

func (e *env) importCSV(args []string) error { return errors.New("import: not built yet") }
func (e *env) exportCSV(args []string) error { return errors.New("export: not built yet") }
func (e *env) report(args []string) error    { return errors.New("report: not built yet") }
func (e *env) demo(args []string) error      { return errors.New("demo: not built yet") }
