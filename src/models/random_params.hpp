#pragma once
// Random exact selective-scan parameters for the L1 grid and the tests: decays k/m in (0, 1),
// keys and queries nonzero k/m in [-2, 2], with m <= max_den (non-dyadic in general), or, with
// dyadic = true, decays k/16 and nonzero keys/queries k/8 (the exact dyadic path). Nonzero keys and
// queries keep the parameters generic.
#include "core/random.hpp"
#include "models/selective_scan.hpp"

namespace freelunch::models {

// A uniform integer in [-bound, bound] other than 0.
inline std::int64_t nonzero(Rng& rng, std::int64_t bound) {
  const std::int64_t k = rng.uniform(1, bound);
  return rng.coin() ? k : -k;
}

inline ScanParams<Rational> random_scan_params(Rng& rng, std::size_t length, std::size_t state, DecayKind kind,
                                               bool dyadic, std::int64_t max_den = 5) {
  ScanParams<Rational> p{length, state, kind, {}, {}, {}, std::nullopt};
  const std::size_t decays = kind == DecayKind::scalar ? length : length * state;
  for (std::size_t i = 0; i < decays; ++i) p.a.push_back(dyadic ? Rational(rng.uniform(1, 15), 16) : rng.decay(max_den));
  for (std::size_t i = 0; i < length * state; ++i) {
    p.b.push_back(dyadic ? Rational(nonzero(rng, 16), 8) : rng.nonzero_rational(2, max_den));
    p.c.push_back(dyadic ? Rational(nonzero(rng, 16), 8) : rng.nonzero_rational(2, max_den));
  }
  return p;
}

// The same decays repeated on every state entry: the per-state form of a scalar-decay scan.
template <class V>
ScanParams<V> with_per_state_decays(const ScanParams<V>& p) {
  ScanParams<V> out = p;
  if (p.decay_kind == DecayKind::per_state) return out;
  out.decay_kind = DecayKind::per_state;
  out.a.clear();
  for (std::size_t t = 0; t < p.length; ++t)
    for (std::size_t s = 0; s < p.state; ++s) out.a.push_back(p.a[t]);
  return out;
}

}  // namespace freelunch::models
