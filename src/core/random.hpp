#pragma once
// Reproducible random instances: std::mt19937_64 (its output sequence is fixed by the standard)
// mapped to ranges by our own code, because the standard distributions differ between library
// implementations (STYLE: "Tests").
#include <cstdint>
#include <random>

#include "arith/rational.hpp"

namespace freelunch {

class Rng {
 public:
  explicit Rng(std::uint64_t seed) : engine_(seed) {}
  // Uniform integer in [lo, hi], by rejection (no modulo bias).
  std::int64_t uniform(std::int64_t lo, std::int64_t hi) {
    const std::uint64_t span = static_cast<std::uint64_t>(hi - lo) + 1;
    if (span == 0) return static_cast<std::int64_t>(engine_());
    const std::uint64_t limit = UINT64_MAX - UINT64_MAX % span;
    std::uint64_t x;
    do x = engine_(); while (x >= limit);
    return lo + static_cast<std::int64_t>(x % span);
  }
  std::uint64_t bits() { return engine_(); }
  bool coin() { return (engine_() >> 63) != 0; }
  // A rational k/m with 1 <= m <= max_den and |k/m| <= max_abs (k, m uniform).
  Rational rational(std::int64_t max_abs, std::int64_t max_den) {
    const std::int64_t m = uniform(1, max_den);
    return Rational(uniform(-max_abs * m, max_abs * m), m);
  }
  // The same, but never 0 (generic parameters).
  Rational nonzero_rational(std::int64_t max_abs, std::int64_t max_den) {
    Rational q = 0;
    while (q == 0) q = rational(max_abs, max_den);
    return q;
  }
  // A decay in (0, 1): k/m with 2 <= m <= max_den, 1 <= k < m.
  Rational decay(std::int64_t max_den) {
    const std::int64_t m = uniform(2, max_den);
    return Rational(uniform(1, m - 1), m);
  }

 private:
  std::mt19937_64 engine_;
};

}  // namespace freelunch
