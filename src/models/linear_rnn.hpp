#pragma once
// A linear RNN over a finite alphabet (THEORY §5, S1): for tokens x_t in {0, ..., |Σ| − 1},
//
//   h_t = A(x_t) h_{t−1} + b(x_t),   h_0 given,
//
// read out after every token by a threshold on c · h_t or by the argmax of linear functions of
// h_t. The per-token transition A(x) is a product of factors applied in order (first factor
// first): diagonal (any sign: the negative eigenvalues of S1.1), dense, or a generalized
// Householder factor I − β v v^T (the reflections of S1.2 and the delta rule's I − β k k^T).
// Time-invariant: the same parameters at every position, which is what makes the layer a finite
// automaton in a finite format (tasks/automaton_certificate.hpp).
//
// Rounding, per operation in the arithmetic given, every dot product through models::dot:
//   diagonal   h_i ← d_i · h_i                      (one rounding)
//   dense      h_i ← M_i · h                        (a dot product of length n)
//   Householder s ← v · h, then h_i ← h_i − w_i · s  with w = β v rounded once, as a stored
//              weight: a dot of length n and two roundings per entry
//   bias       h_i ← h_i + b_i                      (one rounding; skipped when b(x) = 0)
// Parameters are exact rationals turned into the arithmetic once (to_arithmetic), through the
// storage precision when the semantics names one. Counters: multiply-adds as executed, n numbers
// of state.
#include <cstddef>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "arith/arithmetic.hpp"
#include "arith/errors.hpp"
#include "arith/rational.hpp"
#include "models/counters.hpp"
#include "models/dot.hpp"
#include "models/rounding_semantics.hpp"
#include "models/storage.hpp"

namespace freelunch::models {

template <class V>
struct DiagonalFactor {
  std::vector<V> d;  // n entries
};
template <class V>
struct DenseFactor {
  std::vector<V> m;  // n x n, row-major
};
template <class V>
struct HouseholderFactor {
  std::vector<V> v;  // n entries
  std::vector<V> w;  // β v, n entries (rounded once in a format)
};
template <class V>
using TransitionFactor = std::variant<DiagonalFactor<V>, DenseFactor<V>, HouseholderFactor<V>>;

// One token's update: A(x) = F_k ... F_1 (F_1 applied first), then + b(x).
template <class V>
struct TokenUpdate {
  std::vector<TransitionFactor<V>> factors;  // empty: the identity
  std::vector<V> bias;                       // empty: b(x) = 0
};

template <class V>
struct LinearRnn {
  std::size_t state = 0;              // n
  std::vector<TokenUpdate<V>> tokens;  // one per symbol of the alphabet
  std::vector<V> h0;                  // n entries

  std::size_t alphabet() const { return tokens.size(); }

  // Shapes: n >= 1, one update per symbol (at least one symbol), every vector of length n.
  void check_shapes() const {
    if (state == 0) throw UsageError("a linear RNN needs a state of at least one entry");
    if (tokens.empty()) throw UsageError("a linear RNN needs an alphabet of at least one symbol");
    if (h0.size() != state) throw UsageError("h_0 has " + std::to_string(h0.size()) + " entries, n = " + std::to_string(state));
    for (const TokenUpdate<V>& u : tokens) {
      if (!u.bias.empty() && u.bias.size() != state) throw UsageError("a bias has the wrong length");
      for (const TransitionFactor<V>& f : u.factors) {
        const std::size_t want = std::holds_alternative<DenseFactor<V>>(f) ? state * state : state;
        const std::size_t got = std::visit(
            [](const auto& g) {
              if constexpr (requires { g.m; }) return g.m.size();
              else if constexpr (requires { g.d; }) return g.d.size();
              else return g.v.size() == g.w.size() ? g.v.size() : std::size_t{0};
            },
            f);
        if (got != want) throw UsageError("a transition factor has the wrong shape for n = " + std::to_string(state));
      }
    }
  }
};

// A factor with exact entries, built by the constructions.
inline TransitionFactor<Rational> householder(const std::vector<Rational>& v, const Rational& beta) {
  HouseholderFactor<Rational> f{v, {}};
  for (const Rational& x : v) f.w.push_back(beta * x);
  return f;
}

// The same layer in another value type, entry by entry.
template <class W, class V, class F>
LinearRnn<W> map_rnn(const LinearRnn<V>& r, F&& f) {
  auto map_vec = [&](const std::vector<V>& xs) {
    std::vector<W> out;
    out.reserve(xs.size());
    for (const V& x : xs) out.push_back(f(x));
    return out;
  };
  LinearRnn<W> out{r.state, {}, map_vec(r.h0)};
  for (const TokenUpdate<V>& u : r.tokens) {
    TokenUpdate<W> t{{}, map_vec(u.bias)};
    for (const TransitionFactor<V>& fac : u.factors) {
      if (const auto* d = std::get_if<DiagonalFactor<V>>(&fac)) t.factors.push_back(DiagonalFactor<W>{map_vec(d->d)});
      else if (const auto* m = std::get_if<DenseFactor<V>>(&fac)) t.factors.push_back(DenseFactor<W>{map_vec(m->m)});
      else {
        const auto& h = std::get<HouseholderFactor<V>>(fac);
        t.factors.push_back(HouseholderFactor<W>{map_vec(h.v), map_vec(h.w)});
      }
    }
    out.tokens.push_back(std::move(t));
  }
  return out;
}

// Exact parameters in the arithmetic `ar`, each rounded once (through the storage precision
// first, if any).
template <arith::Arithmetic A>
LinearRnn<typename A::value_type> to_arithmetic(const A& ar, const LinearRnn<Rational>& r, const RoundingSemantics& sem) {
  r.check_shapes();
  return map_rnn<typename A::value_type>(r, [&](const Rational& q) { return ar.from_rational(through_storage(q, sem)); });
}

// h ← A(x) h + b(x), in place.
template <arith::Arithmetic A>
void rnn_step(const A& ar, const LinearRnn<typename A::value_type>& r, std::size_t symbol, std::vector<typename A::value_type>& h,
              const RoundingSemantics& sem, Counters* counters = nullptr) {
  using V = typename A::value_type;
  if (symbol >= r.alphabet()) throw UsageError("symbol " + std::to_string(symbol) + " outside the alphabet of " + std::to_string(r.alphabet()));
  const std::size_t n = r.state;
  const TokenUpdate<V>& u = r.tokens[symbol];
  for (const TransitionFactor<V>& fac : u.factors) {
    if (const auto* d = std::get_if<DiagonalFactor<V>>(&fac)) {
      for (std::size_t i = 0; i < n; ++i) h[i] = d->d[i] * h[i];
      if (counters) counters->mul_adds += n;
    } else if (const auto* m = std::get_if<DenseFactor<V>>(&fac)) {
      std::vector<V> next;
      next.reserve(n);
      for (std::size_t i = 0; i < n; ++i)
        next.push_back(dot(ar, n, [&](std::size_t j) -> const V& { return m->m[i * n + j]; }, [&](std::size_t j) -> const V& { return h[j]; }, sem, counters));
      h = std::move(next);
    } else {
      const auto& hf = std::get<HouseholderFactor<V>>(fac);
      const V s = dot(ar, n, [&](std::size_t j) -> const V& { return hf.v[j]; }, [&](std::size_t j) -> const V& { return h[j]; }, sem, counters);
      for (std::size_t i = 0; i < n; ++i) h[i] = h[i] - hf.w[i] * s;
      if (counters) counters->mul_adds += n;
    }
  }
  if (!u.bias.empty())
    for (std::size_t i = 0; i < n; ++i) h[i] = h[i] + u.bias[i];
}

// The states h_1..h_T on the input x_1..x_T.
template <arith::Arithmetic A>
std::vector<std::vector<typename A::value_type>> rnn_states(const A& ar, const LinearRnn<typename A::value_type>& r,
                                                            const std::vector<std::size_t>& input, const RoundingSemantics& sem,
                                                            Counters* counters = nullptr) {
  r.check_shapes();
  std::vector<typename A::value_type> h = r.h0;
  if (counters) counters->hold(r.state);
  std::vector<std::vector<typename A::value_type>> out;
  out.reserve(input.size());
  for (std::size_t x : input) {
    rnn_step(ar, r, x, h, sem, counters);
    out.push_back(h);
  }
  return out;
}

}  // namespace freelunch::models
