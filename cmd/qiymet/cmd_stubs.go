package main

import "errors"

func (e *env) importCSV(args []string) error { return errors.New("import: not built yet") }
func (e *env) exportCSV(args []string) error { return errors.New("export: not built yet") }
