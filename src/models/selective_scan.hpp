#pragma once
// Mamba's selective scan (S6), one channel (THEORY §1.1):
//
//   h_t = a_t ⊙ h_{t-1} + b_t u_t,   y_t = c_t · h_t (+ D u_t),   h_0 = 0,
//
// with discretized parameters (a, b, c) given per position. Two decay kinds: per state
// (a_t in K^n, Mamba-1) and scalar (a_t in K, Mamba-2/SSD). Parameters are exact rationals
// (ScanParams) turned into any arithmetic by to_arithmetic, rounding through the storage
// precision first when the semantics names one.
//
// Cost: O(N n) operations; counters record 2n multiply-adds for the state update (a two-term
// dot per entry), n for the read-out, and n numbers of state.
#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "arith/arithmetic.hpp"
#include "arith/errors.hpp"
#include "core/cancel.hpp"
#include "models/counters.hpp"
#include "models/dot.hpp"
#include "models/rounding_semantics.hpp"
#include "models/scan_params.hpp"
#include "models/soft_float_scan.hpp"
#include "models/storage.hpp"

namespace freelunch::models {

// The same parameters in another value type, entry by entry.
template <class W, class V, class F>
ScanParams<W> map_params(const ScanParams<V>& p, F&& f) {
  ScanParams<W> out{p.length, p.state, p.decay_kind, {}, {}, {}, std::nullopt};
  for (const V& x : p.a) out.a.push_back(f(x));
  for (const V& x : p.b) out.b.push_back(f(x));
  for (const V& x : p.c) out.c.push_back(f(x));
  if (p.skip) out.skip = f(*p.skip);
  return out;
}

// Exact parameters in the arithmetic `ar`, each rounded once (through the storage precision
// first, if any).
template <arith::Arithmetic A>
ScanParams<typename A::value_type> to_arithmetic(const A& ar, const ScanParams<Rational>& p, const RoundingSemantics& sem) {
  p.check_shapes();
  return map_params<typename A::value_type>(p, [&](const Rational& q) { return ar.from_rational(through_storage(q, sem)); });
}

// y_1..y_N of the recurrence, every operation in the arithmetic's own operators (the reference
// that batched kernels must match).
template <arith::Arithmetic A>
std::vector<typename A::value_type> selective_scan_generic(const A& ar, const ScanParams<typename A::value_type>& p,
                                                   std::span<const typename A::value_type> u,
                                                   const RoundingSemantics& sem, Counters* counters = nullptr) {
  using V = typename A::value_type;
  p.check_shapes();
  if (u.size() != p.length) throw UsageError("input length " + std::to_string(u.size()) + " != N = " + std::to_string(p.length));
  const std::size_t n = p.state;
  std::vector<V> h(n, ar.from_int(0));
  std::vector<V> y;
  y.reserve(p.length);
  if (counters) counters->hold(n);
  for (std::size_t t = 0; t < p.length; ++t) {
    throw_if_cancelled();
    for (std::size_t s = 0; s < n; ++s) {
      const V& ut = u[t];
      dot_into(ar, h[s], 2, [&](std::size_t i) -> const V& { return i == 0 ? p.decay(t, s) : p.key(t, s); },
               [&](std::size_t i) -> const V& { return i == 0 ? h[s] : ut; }, sem, counters);
    }
    V out = dot(ar, n, [&](std::size_t s) -> const V& { return p.query(t, s); }, [&](std::size_t s) -> const V& { return h[s]; }, sem, counters);
    if (p.skip) {
      out = out + *p.skip * u[t];
      if (counters) counters->mul_adds += 1;
    }
    y.push_back(std::move(out));
  }
  return y;
}

// y_1..y_N of the recurrence. Emulated formats on their fast path run batched
// (soft_float_scan.hpp): the same values and flags as selective_scan_generic.
template <arith::Arithmetic A>
std::vector<typename A::value_type> selective_scan(const A& ar, const ScanParams<typename A::value_type>& p,
                                                   std::span<const typename A::value_type> u,
                                                   const RoundingSemantics& sem, Counters* counters = nullptr) {
  if constexpr (std::is_same_v<A, arith::SoftFloatArith>) {
    p.check_shapes();
    if (u.size() != p.length) throw UsageError("input length " + std::to_string(u.size()) + " != N = " + std::to_string(p.length));
    if (soft_float_scan_applies(ar, sem)) {  // the same values and flags, batched
      const std::size_t n = p.state;
      std::vector<arith::SoftFloat> y = soft_float_scan(ar, p, u, sem);
      if (counters) {
        counters->hold(n);
        counters->mul_adds += 3 * n * p.length + (p.skip ? p.length : 0);
      }
      if (p.skip)
        for (std::size_t t = 0; t < p.length; ++t) y[t] = y[t] + *p.skip * u[t];
      return y;
    }
  }
  return selective_scan_generic(ar, p, u, sem, counters);
}

}  // namespace freelunch::models
