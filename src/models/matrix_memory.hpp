#pragma once
// Linear attention with a matrix state (THEORY §5, S3): S_t is d_v x d, written with a key
// k_t in K^d and a value v_t in K^(d_v), read with a query q as y = S q.
//
//   delta rule (Schlag et al. 2021; DeltaNet)  S_t = S_(t−1) (I − β_t k_t k_t^T) + β_t v_t k_t^T
//   additive linear attention                  S_t = S_(t−1) + v_t k_t^T
//
// Rounding, per operation, dot products through models::dot: the delta rule is evaluated in
// THEORY's form, as written: the entries of P = I − β k k^T as δ_cb − (β k_c) k_b (β k rounded
// once), then S P (a dot of length d per entry), then + (β v_a) k_b. With one-hot keys and β = 1,
// P is a 0/1 diagonal, so the overwrite is exact in every arithmetic that holds the values (the
// algebraically equal DeltaNet form S + β (v − S k) k^T is not: v − S k can round). Cost,
// counted: d^2 (forming P) + d_v d^2 (S P) + d_v d multiply-adds per delta write (this literal
// form; DeltaNet's costs O(d_v d)), d_v d per additive write and per read; d_v d numbers of state.
// The bare products β k and β v are not multiply-adds and are not counted.
#include <cstddef>
#include <string>
#include <vector>

#include "arith/arithmetic.hpp"
#include "arith/errors.hpp"
#include "models/counters.hpp"
#include "models/dot.hpp"
#include "models/rounding_semantics.hpp"

namespace freelunch::models {

enum class MemoryRule { delta, additive };

inline std::string to_string(MemoryRule r) { return r == MemoryRule::delta ? "delta" : "additive"; }

template <class V>
struct MatrixMemory {
  std::size_t d = 0, d_v = 0;
  std::vector<V> s;  // d_v x d, row-major

  MatrixMemory(std::size_t keys, std::size_t values, const V& zero) : d(keys), d_v(values), s(keys * values, zero) {
    if (keys == 0 || values == 0) throw UsageError("a matrix memory needs d >= 1 and d_v >= 1");
  }
  const V& at(std::size_t a, std::size_t b) const { return s[a * d + b]; }
};

// One write of (key, value) with strength beta (ignored by the additive rule).
template <arith::Arithmetic A>
void memory_write(const A& ar, MemoryRule rule, MatrixMemory<typename A::value_type>& m, const std::vector<typename A::value_type>& key,
                  const std::vector<typename A::value_type>& value, const typename A::value_type& beta, const RoundingSemantics& sem,
                  Counters* counters = nullptr) {
  using V = typename A::value_type;
  const std::size_t d = m.d, dv = m.d_v;
  if (key.size() != d || value.size() != dv) throw UsageError("a write needs a key of length d and a value of length d_v");
  if (counters) counters->hold(d * dv);
  if (rule == MemoryRule::additive) {
    for (std::size_t a = 0; a < dv; ++a)
      for (std::size_t b = 0; b < d; ++b) m.s[a * d + b] = m.s[a * d + b] + value[a] * key[b];
    if (counters) counters->mul_adds += d * dv;
    return;
  }
  std::vector<V> bk, p;
  bk.reserve(d);
  for (std::size_t c = 0; c < d; ++c) bk.push_back(beta * key[c]);
  p.reserve(d * d);
  for (std::size_t c = 0; c < d; ++c)
    for (std::size_t b = 0; b < d; ++b) p.push_back(ar.from_int(c == b ? 1 : 0) - bk[c] * key[b]);
  if (counters) counters->mul_adds += d * d;
  std::vector<V> next;
  next.reserve(d * dv);
  for (std::size_t a = 0; a < dv; ++a)
    for (std::size_t b = 0; b < d; ++b)
      next.push_back(dot(ar, d, [&](std::size_t c) -> const V& { return m.s[a * d + c]; }, [&](std::size_t c) -> const V& { return p[c * d + b]; }, sem,
                         counters));
  for (std::size_t a = 0; a < dv; ++a) {
    const V bv = beta * value[a];
    for (std::size_t b = 0; b < d; ++b) next[a * d + b] = next[a * d + b] + bv * key[b];
  }
  if (counters) counters->mul_adds += d * dv;
  m.s = std::move(next);
}

// y = S q.
template <arith::Arithmetic A>
std::vector<typename A::value_type> memory_read(const A& ar, const MatrixMemory<typename A::value_type>& m, const std::vector<typename A::value_type>& query,
                                                const RoundingSemantics& sem, Counters* counters = nullptr) {
  using V = typename A::value_type;
  if (query.size() != m.d) throw UsageError("a query needs length d");
  std::vector<V> y;
  y.reserve(m.d_v);
  for (std::size_t a = 0; a < m.d_v; ++a)
    y.push_back(dot(ar, m.d, [&](std::size_t b) -> const V& { return m.s[a * m.d + b]; }, [&](std::size_t b) -> const V& { return query[b]; }, sem, counters));
  return y;
}

}  // namespace freelunch::models
