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
#include "models/counters.hpp"
#include "models/dot.hpp"
#include "models/rounding_semantics.hpp"
#include "models/storage.hpp"

namespace freelunch::models {

enum class DecayKind { per_state, scalar };

template <class V>
struct ScanParams {
  std::size_t length = 0;  // N positions
  std::size_t state = 0;   // n state entries
  DecayKind decay_kind = DecayKind::per_state;
  std::vector<V> a;        // N x n (per state) or N (scalar), row-major
  std::vector<V> b;        // N x n
  std::vector<V> c;        // N x n
  std::optional<V> skip;   // D

  const V& decay(std::size_t t, std::size_t s) const { return decay_kind == DecayKind::scalar ? a[t] : a[t * state + s]; }
  const V& key(std::size_t t, std::size_t s) const { return b[t * state + s]; }
  const V& query(std::size_t t, std::size_t s) const { return c[t * state + s]; }

  // Throws UsageError when the shapes disagree.
  void check_shapes() const {
    const std::size_t decays = decay_kind == DecayKind::scalar ? length : length * state;
    if (length == 0 || state == 0) throw UsageError("selective scan needs N >= 1 and n >= 1");
    if (a.size() != decays || b.size() != length * state || c.size() != length * state)
      throw UsageError("selective scan parameters do not match N = " + std::to_string(length) +
                       ", n = " + std::to_string(state));
  }
};

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

// y_1..y_N of the recurrence.
template <arith::Arithmetic A>
std::vector<typename A::value_type> selective_scan(const A& ar, const ScanParams<typename A::value_type>& p,
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
    for (std::size_t s = 0; s < n; ++s) {
      const V& ut = u[t];
      h[s] = dot(ar, 2, [&](std::size_t i) -> const V& { return i == 0 ? p.decay(t, s) : p.key(t, s); },
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

}  // namespace freelunch::models
