#pragma once
// The benchmark instance of docs/performance.md: one selective scan with per-state decays,
// N = 4096 positions, n = 16 state entries, from a fixed seed.
//
//   decays  a = k/16, k uniform in 1..15   (dyadic instance)
//           a = k/15, k uniform in 1..14   (non-dyadic instance, same keys, queries and inputs)
//   keys, queries  k/8, k uniform in -16..16
//   inputs  u = k, k uniform in -4..4
//
// Every value is exact in bf16, fp16 and fp32 (at most 5 significant bits), so the floating-point
// benchmarks see the same data as the exact ones without a rounding of the inputs.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "arith/rational.hpp"
#include "core/random.hpp"
#include "models/selective_scan.hpp"

namespace freelunch::bench {

inline constexpr std::size_t kLength = 4096;
inline constexpr std::size_t kState = 16;
inline constexpr std::uint64_t kSeed = 20241003;

struct ScanInstance {
  models::ScanParams<Rational> params;
  std::vector<Rational> u;
};

// decay_denominator 16 gives the dyadic instance, 15 the non-dyadic one. Keys, queries and inputs
// come from one stream and decays from another, so both instances share everything but the decays.
inline ScanInstance make_scan_instance(std::int64_t decay_denominator) {
  Rng rng(kSeed);
  Rng decay_rng(kSeed + 1);
  ScanInstance inst{{kLength, kState, models::DecayKind::per_state, {}, {}, {}, std::nullopt}, {}};
  for (std::size_t i = 0; i < kLength * kState; ++i) {
    inst.params.a.push_back(Rational(decay_rng.uniform(1, decay_denominator - 1), decay_denominator));
    inst.params.b.push_back(Rational(rng.uniform(-16, 16), 8));
    inst.params.c.push_back(Rational(rng.uniform(-16, 16), 8));
  }
  for (std::size_t t = 0; t < kLength; ++t) inst.u.push_back(Rational(rng.uniform(-4, 4)));
  inst.params.check_shapes();
  return inst;
}

// One line for the benchmark context.
inline std::string describe_instance() {
  return "selective scan, per-state decays, N = " + std::to_string(kLength) + ", n = " + std::to_string(kState) +
         ", decays k/16 (or k/15), keys and queries k/8 (|k| <= 16), inputs in -4..4, seed " + std::to_string(kSeed);
}

}  // namespace freelunch::bench
