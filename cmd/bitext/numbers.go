package main

import (
	"errors"
	"fmt"
	"math"
	"time"
)

// Numeric options are checked before anything is done: a negative, NaN or
// infinite value is a usage error (exit 2), never silently replaced by a
// default or taken as "no limit".

// finite reports whether f is a number that is neither NaN nor infinite.
func finite(f float64) bool { return !math.IsNaN(f) && !math.IsInf(f, 0) }

// checkNumbers checks the numeric options of run.
func (c *RunCmd) checkNumbers() error {
	var errs []error
	if !finite(c.MaxCost) || c.MaxCost < 0 {
		errs = append(errs, fmt.Errorf("--max-cost %v: give a cost of 0 (no limit) or more, e.g. --max-cost 2.50", c.MaxCost))
	}
	if c.Parallel != nil && *c.Parallel < 1 {
		errs = append(errs, fmt.Errorf("--parallel %d: give the number of documents to process at once, 1 or more (default 4 × --concurrency)", *c.Parallel))
	}
	if err := errors.Join(errs...); err != nil {
		return usageErrorf("%w", err)
	}
	return nil
}

// checkNumbers checks the numeric endpoint options given as flags (the
// environment and the configuration file are checked by
// endpoint.Config.Validate).
func (f *endpointFlags) checkNumbers() error {
	var errs []error
	negative := func(name string, v int64) {
		if v < 0 {
			errs = append(errs, fmt.Errorf("%s %d: must not be negative", name, v))
		}
	}
	negative("--max-tokens", int64(f.MaxTokens))
	negative("--concurrency", int64(f.Concurrency))
	negative("--rpm", int64(f.RPM))
	negative("--tpm", int64(f.TPM))
	if f.MaxRetries != nil {
		negative("--max-retries", int64(*f.MaxRetries))
	}
	if f.Timeout < 0 {
		errs = append(errs, fmt.Errorf("--timeout %s: give a positive duration such as 120s", time.Duration(f.Timeout)))
	}
	if f.Temperature != nil && !(*f.Temperature >= 0 && *f.Temperature <= 2) { // NaN too
		errs = append(errs, fmt.Errorf("--temperature %v: give 0 to 2", *f.Temperature))
	}
	for _, p := range []struct {
		name string
		v    *float64
	}{{"--price-in", f.PriceIn}, {"--price-out", f.PriceOut}} {
		if p.v != nil && (!finite(*p.v) || *p.v < 0) {
			errs = append(errs, fmt.Errorf("%s %v: give a price per million tokens of 0 or more", p.name, *p.v))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return usageErrorf("%w", err)
	}
	return nil
}

// checkNumbers checks the options of the commands that read files.
func (f *analyzeFlags) checkNumbers() error {
	if f.MaxFileSize < 1 {
		return usageErrorf("--max-file-size %d: give the largest input file in bytes, 1 or more (default 268435456)", f.MaxFileSize)
	}
	return nil
}
