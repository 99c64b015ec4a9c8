package main

import "errors"

// AlignCmd aligns two texts. Placeholder: the aligner issue fills it in.
type AlignCmd struct{}

// Run aligns.
func (c *AlignCmd) Run(app *App) error { return errors.New("align: not built yet") }

// EvalCmd evaluates against benchmark sets. Placeholder.
type EvalCmd struct{}

// Run evaluates.
func (c *EvalCmd) Run(app *App) error { return errors.New("eval: not built yet") }
