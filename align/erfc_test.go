package align

import (
	"math"
	"testing"
)

func TestErfcTable(t *testing.T) {
	worst := 0.0
	for x := 0.0; x < 10; x += 0.000731 {
		if d := math.Abs(erfcTable.at(x) - math.Erfc(x)); d > worst {
			worst = d
		}
	}
	if worst > 1e-6 {
		t.Fatalf("largest error %g", worst)
	}
	if !math.IsNaN(erfcTable.at(math.NaN())) || erfcTable.at(math.Inf(1)) != 0 {
		t.Fatal("NaN or +Inf mishandled")
	}
}
