package xmlx

import (
	"io"
	"iter"
)

// All iterates over what next returns until io.EOF; it stops after the
// first other error, which it yields. The decoders' All methods are it.
func All[T any](next func() (T, error)) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		for {
			u, err := next()
			if err == io.EOF {
				return
			}
			if !yield(u, err) || err != nil {
				return
			}
		}
	}
}
